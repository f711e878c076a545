"""Safe output: atomic files that respect what is at the path, and standard streams that fail cleanly.

:func:`write_file` is how every command writes ``-o PATH`` and ``fmt --write``:

* a regular file (or a new path) is replaced atomically: a temporary file in the same folder,
  then a rename, so a reader sees the old text or the new one, never half of it;
* a symbolic link is followed, and its target is what gets replaced (the link stays);
* an existing file keeps its permission bits; a new file gets ``0666`` less the umask, like
  every other Unix tool;
* a read-only file (no write bit at all, which also stops root) is refused with E0004;
* a character device or a FIFO (``/dev/null``, ``/dev/stdout``, a named pipe) is written
  through, as a shell redirection would; a directory, socket or block device is refused;
* SIGTERM and SIGINT during the write remove the temporary file before the process ends.

:class:`PipeSafeStream` wraps standard output so that a reader that goes away (``| head -1``)
stops the output quietly without changing the command's exit code.
"""

from __future__ import annotations

import errno
import os
import secrets
import signal
import stat
import sys
import threading
from contextlib import contextmanager
from typing import Iterator, TextIO

from hrnnc.diagnostics import Code, HrnncError, error

_NEW_FILE_MODE = 0o666


class _Signalled(BaseException):
    """Raised inside a write when SIGTERM/SIGINT arrives, so that the temporary file is removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _cannot_write(path: str, reason: str) -> HrnncError:
    return HrnncError([error(Code.E0004, f"cannot write {path}: {reason}")])


@contextmanager
def _signals_raise() -> Iterator[None]:
    """Turn SIGTERM and SIGINT into :class:`_Signalled` for the duration (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise _Signalled(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _write_through(path: str, data: bytes) -> None:
    """Write into an existing non-regular file (a device or a FIFO) without replacing it."""
    fd = os.open(path, os.O_WRONLY | os.O_NOCTTY)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _replace(target: str, data: bytes, mode: int) -> None:
    """Write ``data`` to a fresh temporary file next to ``target`` and rename it over ``target``."""
    folder = os.path.dirname(target) or "."
    tmp = os.path.join(folder, f".{os.path.basename(target)}.hrnnc-{secrets.token_hex(6)}.tmp")
    # Created with 0666 so that the umask applies, as for any new file; chmod'ed when keeping a mode.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), _NEW_FILE_MODE)
    try:
        try:
            if mode >= 0:
                os.fchmod(fd, mode)
            _write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_file(path: str, text: str | bytes) -> None:
    """Write ``text`` (UTF-8; or bytes, e.g. a picture) to ``path`` as described in the module docstring.

    Raises:
        HrnncError: E0004 when the path cannot be written (read-only, a directory, a missing
            folder, no space); the old content is then untouched and no temporary file remains.
    """
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    target = os.path.realpath(path)
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _cannot_write(path, exc.strerror or str(exc)) from None
    try:
        with _signals_raise():
            if info is None:
                _replace(target, data, -1)
            elif stat.S_ISREG(info.st_mode):
                if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
                    raise _cannot_write(path, "the file is read-only")
                _replace(target, data, stat.S_IMODE(info.st_mode))
            elif stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
                _write_through(target, data)
            else:
                kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file, device or FIFO"
                raise _cannot_write(path, f"it is {kind}")
    except _Signalled as exc:
        # The temporary file is gone; now end the way the signal asked (the old handler is back).
        signal.raise_signal(exc.signum)
        raise KeyboardInterrupt from None
    except OSError as exc:
        raise _cannot_write(path, exc.strerror or str(exc)) from None


class PipeSafeStream:
    """A text stream wrapper: a closed reader (EPIPE) silences the output instead of raising.

    After the first broken pipe, the stream's descriptor is pointed at ``/dev/null`` so that neither
    later writes nor the interpreter's final flush fail; :attr:`broken` records that it happened.
    Other write errors (``/dev/full``: ENOSPC) silence the stream too and, on standard output, are
    raised as E0004 diagnostics.
    """

    def __init__(self, stream: TextIO, name: str = "standard output"):
        self._stream = stream
        self._name = name
        self.broken = False

    def write(self, text: str) -> int:
        if self.broken:
            return len(text)
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._silence()
            return len(text)
        except OSError as exc:
            self._failed(exc)
            return len(text)

    def flush(self) -> None:
        if self.broken:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._silence()
        except OSError as exc:
            self._failed(exc)

    def _failed(self, exc: OSError) -> None:
        """ENOSPC and friends: stop writing; on standard output that is a diagnostic (E0004)."""
        self._silence()
        if self._name != "standard error":  # nowhere left to say it
            raise _cannot_write(self._name, exc.strerror or str(exc)) from None

    def _silence(self) -> None:
        self.broken = True
        self._discard_buffer()

    def _discard_buffer(self) -> None:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def prepare_standard_streams() -> PipeSafeStream:
    """Make ``sys.stdout``/``sys.stderr`` safe for a CLI run and return the stdout wrapper.

    A closed descriptor (``>&-``, ``2>&-``) becomes ``/dev/null``; an encoding that cannot show
    every character (``PYTHONIOENCODING=ascii``, a Latin-1 terminal) escapes it (``\\u27e9``)
    instead of raising.
    """
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            stream = open(os.devnull, "w", encoding="utf-8")
            setattr(sys, name, stream)
        elif isinstance(stream, PipeSafeStream):
            continue
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a detached or closed stream
                pass
    if not isinstance(sys.stderr, PipeSafeStream):
        sys.stderr = PipeSafeStream(sys.stderr, "standard error")  # type: ignore[assignment]
    if not isinstance(sys.stdout, PipeSafeStream):
        sys.stdout = PipeSafeStream(sys.stdout)  # type: ignore[assignment]
    return sys.stdout  # type: ignore[return-value]


def is_broken_pipe(exc: BaseException) -> bool:
    return isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and exc.errno == errno.EPIPE)


__all__ = ["PipeSafeStream", "is_broken_pipe", "prepare_standard_streams", "write_file"]
