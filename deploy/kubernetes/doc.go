// Package kubernetes holds corobench's Kubernetes manifests (a target
// Deployment and Service, and an Indexed Job of load agents that begin
// their measured window together) and, in its tests, checks them against
// the Kubernetes API types. It is a module of its own, so that the main
// module does not depend on the Kubernetes API.
package kubernetes
