module example.com/abserver

go 1.26.0
