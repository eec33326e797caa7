"""corobench's file endpoints for the Python peers: /files/ and /disk.

The twin of the Go module's files package and targets/files.go, as the
textbook's ThreadingTCPServer file server would serve them: a root
directory opened once, every name one portable path element opened relative
to it without following symbolic links (so "..", absolute names and links
out of the root all fail), downloads streamed from the open file in 64 KiB
chunks with the file's SHA-256 in Repr-Digest, uploads streamed to a hidden
temporary file and renamed over the name when whole, and the disk job that
writes N KiB, reads them back and answers their CRC-32C.

Python's standard library has no CRC-32C, so it is here, table-driven; the
disk job checks the bytes it read back against those it wrote, so their
CRC is the pattern's, which is computed once per size (a 64 KiB block's CRC
combined with itself, as zlib's crc32_combine does, so that no request
pays Python's per-byte loop).

Standard library only.
"""

import array
import base64
import errno
import hashlib
import os
import signal
import sys
import threading

import corobench_proto as proto

DEFAULT_MAX_UPLOAD = 64 << 20  # files.DefaultMaxUpload
DEFAULT_MAX_OPEN = 256  # files.DefaultMaxOpen
MAX_LIST = 10_000  # files.MaxList
MAX_NAME_BYTES = 255
MAX_DISK_KB = 64 << 10
CHUNK = 64 << 10
DIGEST_ATTR = "user.corobench.sha256"  # as the Go store keeps it
MAX_DIGESTS = 4096

PORTABLE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
HEX = {c: int(chr(c), 16) for c in b"0123456789abcdefABCDEF"}


class FilesError(Exception):
    """A refusal of the store, with its HTTP status (as targets.statusOf)."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


ERR_BAD_NAME = FilesError(400, "files: name must be 1-255 of A-Z a-z 0-9 . _ - and not start with .")
ERR_NOT_FOUND = FilesError(404, "files: no such file")
ERR_FORBIDDEN = FilesError(403, "files: not a regular file inside the root")
ERR_TOO_LARGE = FilesError(413, "files: upload exceeds the size limit")
ERR_BUSY = FilesError(503, "files: too many open files")
ERR_NO_SPACE = FilesError(507, "files: no space left on the device")
ERR_SHORT = FilesError(400, "files: upload not of its declared size")
ERR_TOO_MANY = FilesError(500, "files: too many files to list")
ERR_NO_ROOT = FilesError(404, "no file root: serve -root DIR")


def classify(err):
    """The store's error for an OSError (as files.classify)."""
    if err.errno == errno.ENOENT:
        return ERR_NOT_FOUND
    if err.errno in (errno.ELOOP, errno.EISDIR, errno.ENOTDIR):
        return ERR_FORBIDDEN
    if err.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return FilesError(507, "%s (%s)" % (ERR_NO_SPACE.reason, os.strerror(err.errno)))
    if err.errno in (errno.EMFILE, errno.ENFILE):
        return ERR_BUSY
    return FilesError(500, "files: %s" % os.strerror(err.errno or 0))


def parse_name(raw):
    """The name a request's path element spells, percent-escapes decoded,
    checked as files.ParseName does."""
    if len(raw) > 3 * MAX_NAME_BYTES:
        raise ERR_BAD_NAME
    out = bytearray()
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == 0x25:  # %
            if i + 2 >= len(raw) or raw[i + 1] not in HEX or raw[i + 2] not in HEX:
                raise ERR_BAD_NAME
            c = HEX[raw[i + 1]] << 4 | HEX[raw[i + 2]]
            i += 2
        out.append(c)
        i += 1
    return valid_name(bytes(out))


def valid_name(name):
    """name (bytes) as a str, if it is one portable path element not
    starting with a dot (files.ValidName)."""
    if not name or len(name) > MAX_NAME_BYTES or name[0] == 0x2E or not PORTABLE.issuperset(name):
        raise ERR_BAD_NAME
    return name.decode("ascii")


# CRC-32C (Castagnoli), reflected, table-driven.
CASTAGNOLI = 0x82F63B78


def _table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ CASTAGNOLI if c & 1 else c >> 1
        t.append(c)
    return t


CRC_TABLE = _table()


def crc32c(data, crc=0):
    """The CRC-32C of data, continuing crc (as Go's crc32.Update)."""
    crc ^= 0xFFFFFFFF
    t = CRC_TABLE
    for b in data:
        crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _gf2_times(mat, vec):
    s, i = 0, 0
    while vec:
        if vec & 1:
            s ^= mat[i]
        vec >>= 1
        i += 1
    return s


def _gf2_square(mat):
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def crc32c_combine(crc1, crc2, len2):
    """The CRC of A+B from crc1 of A, crc2 of B and B's length (zlib's
    crc32_combine, for the Castagnoli polynomial)."""
    if len2 <= 0:
        return crc1
    odd = [CASTAGNOLI] + [1 << n for n in range(31)]  # one zero bit
    even = _gf2_square(odd)  # two
    odd = _gf2_square(even)  # four
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def pattern(seed):
    """files.NewPattern: 64 KiB of little-endian xorshift32 words from seed."""
    x = seed | 1
    words = []
    for _ in range(CHUNK // 4):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        words.append(x)
    a = array.array("I", words)
    if a.itemsize != 4:
        raise SystemExit("corobench_files: array 'I' is not 32 bits here")
    if sys.byteorder != "little":
        a.byteswap()
    return a.tobytes()


DISK_PATTERN = pattern(0x1F2E3D4C)


class DiskSums:
    """files.DiskSum(kb) for every kb, each computed once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.block = crc32c(DISK_PATTERN)
        self.prefix = {}  # KiB of a partial block -> its CRC
        self.sums = {}

    def __call__(self, kb):
        with self.lock:
            s = self.sums.get(kb)
            if s is not None:
                return s
            full, part = divmod(kb, CHUNK >> 10)
            s, run, run_len = 0, self.block, CHUNK  # run: the CRC of run_len bytes of whole blocks
            n = full
            while n:
                if n & 1:
                    s = crc32c_combine(s, run, run_len)
                run, run_len = crc32c_combine(run, run, run_len), run_len * 2
                n >>= 1
            if part:
                p = self.prefix.get(part)
                if p is None:
                    p = self.prefix[part] = crc32c(DISK_PATTERN[:part << 10])
                s = crc32c_combine(s, p, part << 10)
            if len(self.sums) < 4096:
                self.sums[kb] = s
            return s


def disk_body(kb, crc):
    """targets.AppendDiskBody."""
    return b"kb=%d crc32c=%08x\n" % (kb, crc)


class Store:
    """A root directory served by name (files.Store)."""

    def __init__(self, root, max_upload=DEFAULT_MAX_UPLOAD, max_open=DEFAULT_MAX_OPEN):
        self.dirfd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        self.max_upload = max_upload
        self.max_open = max_open
        self.lock = threading.Lock()
        self.open_files = 0
        self.digests = {}
        self.disk_sums = DiskSums()
        self.seq = 0

    def acquire(self):
        with self.lock:
            if self.open_files >= self.max_open:
                raise ERR_BUSY
            self.open_files += 1

    def release(self):
        with self.lock:
            self.open_files -= 1

    def temp_name(self, kind):
        with self.lock:
            self.seq += 1
            return ".%s-%d-%d-%s" % (kind, os.getpid(), self.seq, os.urandom(4).hex())

    def list(self):
        """The listing's body: one "name size" line per regular file."""
        lines = []
        with os.scandir(self.dirfd) as it:
            for de in it:
                try:
                    name = valid_name(os.fsencode(de.name))
                    st = de.stat(follow_symlinks=False)
                except (FilesError, OSError):
                    continue
                if not (st.st_mode & 0o170000 == 0o100000):
                    continue
                if len(lines) == MAX_LIST:
                    raise ERR_TOO_MANY
                lines.append("%s %d\n" % (name, st.st_size))
        return "".join(lines).encode()

    def get(self, name):
        """Opens name to stream: (fd, size, digest string); the caller
        closes fd and then calls release."""
        self.acquire()
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, dir_fd=self.dirfd)
        except OSError as err:
            self.release()
            raise classify(err)
        try:
            st = os.fstat(fd)
            if st.st_mode & 0o170000 != 0o100000:
                raise ERR_FORBIDDEN
            return fd, st.st_size, self.digest_of(fd, st)
        except BaseException as err:
            os.close(fd)
            self.release()
            if isinstance(err, OSError):
                raise classify(err)
            raise

    def digest_of(self, fd, st):
        """The file's SHA-256 as a Repr-Digest value: remembered for this
        version of the file (inode, size, mtime), or kept in its extended
        attribute as the Go store keeps it, or read."""
        key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        d = self.digests.get(key)
        if d is not None:
            return d
        raw = None
        try:
            size, mtime, hexd = os.getxattr(fd, DIGEST_ATTR).decode().split(" ")
            if int(size) == st.st_size and int(mtime) == st.st_mtime_ns and len(hexd) == 64:
                raw = bytes.fromhex(hexd)
        except (OSError, ValueError):
            pass
        if raw is None:
            h = hashlib.sha256()
            off = 0
            while off < st.st_size:
                b = os.pread(fd, min(CHUNK, st.st_size - off), off)
                if not b:
                    break
                h.update(b)
                off += len(b)
            raw = h.digest()
            keep_digest(fd, st, raw)
        d = digest_value(raw)
        if len(self.digests) >= MAX_DIGESTS:
            self.digests = {}
        self.digests[key] = d
        return d

    def create(self, name, size):
        """Starts an upload of size bytes to name."""
        if size > self.max_upload:
            raise ERR_TOO_LARGE
        self.acquire()
        temp = self.temp_name("put")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644, dir_fd=self.dirfd)
        except OSError as err:
            self.release()
            raise classify(err)
        return Upload(self, name, temp, fd, size)

    def remove(self, name):
        try:
            st = os.stat(name, dir_fd=self.dirfd, follow_symlinks=False)
            if st.st_mode & 0o170000 not in (0o100000, 0o120000):
                raise ERR_FORBIDDEN
            os.unlink(name, dir_fd=self.dirfd)
        except OSError as err:
            raise classify(err)

    def disk(self, kb, sync):
        """The textbook's IO job (files.Store.Disk): writes kb KiB to a
        fresh file, fsyncs it if sync, reads it back, checks it, removes
        it; returns the CRC-32C of what was read back."""
        self.acquire()
        name = self.temp_name("disk")
        try:
            fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600, dir_fd=self.dirfd)
        except OSError as err:
            self.release()
            raise classify(err)
        try:
            size = kb << 10
            off = 0
            while off < size:
                n = min(size - off, CHUNK)
                view = memoryview(DISK_PATTERN)[:n]
                while view:
                    w = os.write(fd, view)
                    view = view[w:]
                off += n
            if sync:
                os.fsync(fd)
            off = 0
            while off < size:
                n = min(size - off, CHUNK)
                if os.pread(fd, n, off) != DISK_PATTERN[:n]:
                    raise FilesError(500, "files: a disk job read back other bytes than it wrote")
                off += n
            return self.disk_sums(kb)
        except OSError as err:
            raise classify(err)
        finally:
            os.close(fd)
            try:
                os.unlink(name, dir_fd=self.dirfd)
            except OSError:
                pass
            self.release()


def keep_digest(fd, st, raw):
    """Keeps the digest in the file's attribute, as the Go store does; a
    file system without them just makes the next reader hash it again."""
    try:
        os.setxattr(fd, DIGEST_ATTR, ("%d %d %s" % (st.st_size, st.st_mtime_ns, raw.hex())).encode())
    except OSError:
        pass


def digest_value(raw):
    return "sha-256=:" + base64.b64encode(raw).decode() + ":"


class Upload:
    """A file being written (files.Upload): nothing appears under its name
    until commit; a failure or abort removes the temporary file."""

    def __init__(self, store, name, temp, fd, size):
        self.store, self.name, self.temp, self.fd = store, name, temp, fd
        self.remaining = size
        self.h = hashlib.sha256()
        self.failed = False

    def write(self, data):
        if len(data) > self.remaining:
            self.fail()
            raise ERR_SHORT
        view = memoryview(data)
        try:
            while view:
                n = os.write(self.fd, view)
                view = view[n:]
        except OSError as err:
            self.fail()
            raise classify(err)
        self.h.update(data)
        self.remaining -= len(data)

    def commit(self):
        """Renames the whole upload over its name; returns its digest."""
        if self.remaining:
            self.fail()
            raise ERR_SHORT
        raw = self.h.digest()
        try:
            keep_digest(self.fd, os.fstat(self.fd), raw)
            os.close(self.fd)
            self.fd = -1
            os.rename(self.temp, self.name, src_dir_fd=self.store.dirfd, dst_dir_fd=self.store.dirfd)
        except OSError as err:
            self.fail()
            raise classify(err)
        self.store.release()
        return digest_value(raw)

    def fail(self):
        if self.failed:
            return
        self.failed = True
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        try:
            os.unlink(self.temp, dir_fd=self.store.dirfd)
        except OSError:
            pass
        self.store.release()

    abort = fail


def status_answer(status, reason, close):
    """protocol.AppendStatus: the reason and a newline as the body."""
    body = (reason + "\n").encode()
    return proto.header(status, len(body), close) + body


def file_header(size, digest, close):
    """protocol.AppendFileHeader."""
    return ("HTTP/1.1 200 OK\r\nServer: corobench\r\nContent-Type: application/octet-stream\r\n"
            "Content-Length: %d\r\nRepr-Digest: %s%s\r\n\r\n"
            % (size, digest, "\r\nConnection: close" if close else "")).encode()


def respond(store, req):
    """The answers of /files/ and /disk that are whole: the listing, DELETE
    and the disk job (targets.App.respondFiles)."""
    try:
        if store is None:
            raise ERR_NO_ROOT
        if req.endpoint == proto.DISK:
            return _whole(disk_body(req.kb, store.disk(req.kb, req.sync)), req.close)
        if not req.name:
            return _whole(store.list(), req.close)
        store.remove(parse_name(req.name))
        return status_answer(200, "deleted", req.close)
    except FilesError as err:
        return status_answer(err.status, err.reason, req.close)


def _whole(body, close):
    return proto.header(200, len(body), close) + body


def serve_stream(sock, req, store, buf):
    """Answers a streamed request on a blocking socket: a download read from
    its file and sent in chunks, or an upload's body -- first what buf holds
    after the request's head, then what the socket brings -- written to its
    file. Returns whether the connection goes on; the bytes of the body are
    taken out of buf."""
    if req.method == proto.PUT:
        try:
            if store is None:
                raise ERR_NO_ROOT
            up = store.create(parse_name(req.name), req.length)
        except FilesError as err:
            sock.sendall(status_answer(err.status, err.reason, True))
            proto.linger(sock)
            return False  # the body is unread: the stream cannot go on
        try:
            take = min(len(buf), up.remaining)
            if take:
                up.write(bytes(buf[:take]))
                del buf[:take]
            while up.remaining:
                sock.settimeout(proto.REQUEST_TIMEOUT)
                data = sock.recv(min(CHUNK, up.remaining))
                if not data:
                    up.abort()  # cut off: nothing appears
                    return False
                up.write(data)
            digest = up.commit()
        except FilesError as err:
            sock.sendall(status_answer(err.status, err.reason, True))
            proto.linger(sock)
            return False
        except BaseException:
            up.abort()
            raise
        sock.sendall(status_answer(200, digest, req.close))
        return not req.close
    try:
        if store is None:
            raise ERR_NO_ROOT
        fd, size, digest = store.get(parse_name(req.name))
    except FilesError as err:
        sock.sendall(status_answer(err.status, err.reason, req.close))
        return not req.close
    try:
        sock.sendall(file_header(size, digest, req.close))
        off = 0
        while off < size:
            b = os.pread(fd, min(CHUNK, size - off), off)
            if not b:
                return False  # shortened under us: the client sees the cut
            sock.sendall(b)
            off += len(b)
    finally:
        os.close(fd)
        store.release()
    return not req.close


async def serve_stream_async(reader, writer, req, store, buf, linger):
    """serve_stream for an asyncio stream: the socket's waits are awaits,
    and the file's reads and writes run inline, stalling the loop while
    they last, as a one-thread event loop's file IO does."""
    import asyncio
    if req.method == proto.PUT:
        try:
            if store is None:
                raise ERR_NO_ROOT
            up = store.create(parse_name(req.name), req.length)
        except FilesError as err:
            writer.write(status_answer(err.status, err.reason, True))
            await writer.drain()
            await linger(reader, writer)
            return False
        try:
            take = min(len(buf), up.remaining)
            if take:
                up.write(bytes(buf[:take]))
                del buf[:take]
            while up.remaining:
                async with asyncio.timeout(proto.REQUEST_TIMEOUT):
                    data = await reader.read(min(CHUNK, up.remaining))
                if not data:
                    up.abort()
                    return False
                up.write(data)
            digest = up.commit()
        except FilesError as err:
            writer.write(status_answer(err.status, err.reason, True))
            await writer.drain()
            await linger(reader, writer)
            return False
        except BaseException:
            up.abort()
            raise
        writer.write(status_answer(200, digest, req.close))
        await writer.drain()
        return not req.close
    try:
        if store is None:
            raise ERR_NO_ROOT
        fd, size, digest = store.get(parse_name(req.name))
    except FilesError as err:
        writer.write(status_answer(err.status, err.reason, req.close))
        await writer.drain()
        return not req.close
    try:
        writer.write(file_header(size, digest, req.close))
        off = 0
        while off < size:
            b = os.pread(fd, min(CHUNK, size - off), off)
            if not b:
                return False
            writer.write(b)
            await writer.drain()
            off += len(b)
        await writer.drain()
    finally:
        os.close(fd)
        store.release()
    return not req.close


def open_store(args):
    """The store of --root, or None; SIGXFSZ is ignored, as Go's runtime
    does, so that a write past RLIMIT_FSIZE fails with EFBIG (507) rather
    than killing the peer."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    if not args.root:
        return None
    return Store(args.root, max_upload=args.max_upload)

