"""Several API worker processes on one port, each with its own listening socket (SO_REUSEPORT).

uvicorn's `--workers N` binds one socket in the parent and hands it to every worker. All of them wait on it, and
when a burst of connections arrives (a reverse proxy opening its keep-alive pool, or the benchmark's clients) the
first worker to wake accepts the whole burst: 8 keep-alive connections on 4 workers landed 8-0-0-0, 6-2-0-0 or
5-3-0-0. A worker answers one question at a time on the CPU (the GIL), so the others idled while one queued.

Here the parent only binds the port (a port already taken fails at once) and never listens on it; each worker
opens its own socket on the same address with SO_REUSEPORT, and the kernel spreads new connections over the
workers' sockets by a hash of the client address (the same 8 connections: 3-2-2-1, 2-2-2-2, 4-2-1-1). Where the
platform has no SO_REUSEPORT, `serve_workers` falls back to uvicorn's shared socket.

Example:
    >>> serve_workers("assistant.frontends.api:app_from_env", host="127.0.0.1", port=8765, workers=4)  # doctest: +SKIP
"""

from __future__ import annotations

import inspect
import logging
import socket
from typing import Any

log = logging.getLogger(__name__)

__all__ = ["SharedPort", "reuse_port_listener", "serve_workers", "spreads_connections"]


def spreads_connections() -> bool:
    """True where the kernel can spread connections over several sockets bound to one port."""
    return hasattr(socket, "SO_REUSEPORT")


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def reuse_port_listener(family: int, address: tuple[str, int]) -> socket.socket:
    """A socket bound to `address` with SO_REUSEPORT: a worker's own listener (uvicorn listens on it)."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


class SharedPort(socket.socket):
    """The port the workers share: bound (SO_REUSEPORT) in the parent, never listened on there.

    uvicorn starts each worker with multiprocessing's spawn and pickles the sockets it is given; this one pickles
    as "open your own listener on my address", so every worker, also one restarted after a crash, gets a socket
    of its own in the port's SO_REUSEPORT group instead of a copy of the parent's.
    """

    @classmethod
    def bind_to(cls, host: str, port: int) -> SharedPort:
        sock = cls(_family(host), socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
        except OSError:
            sock.close()
            raise
        return sock

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, tuple[int, tuple[str, int]]]:
        return reuse_port_listener, (int(self.family), tuple(self.getsockname()[:2]))  # type: ignore[return-value]


def serve_workers(app: str, *, host: str, port: int, workers: int, log_level: str = "info") -> None:
    """Run `workers` uvicorn workers of the app factory `app` (an import string), each on its own SO_REUSEPORT
    listener; blocks until the parent is stopped (SIGINT/SIGTERM), restarting a worker that dies."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    if not spreads_connections():
        log.info("no SO_REUSEPORT here: the workers share one listening socket")
        uvicorn.run(app, factory=True, host=host, port=port, workers=workers, log_level=log_level)
        return
    config = uvicorn.Config(app, factory=True, host=host, port=port, workers=workers, log_level=log_level)
    sock = SharedPort.bind_to(host, port)
    log.info("allguide API on %s:%d with %d workers, each with its own listener (SO_REUSEPORT)", host, port, workers)
    kwargs: dict[str, Any] = {"sockets": [sock]}
    if "target" in inspect.signature(Multiprocess).parameters:  # older uvicorn takes the workers' target
        kwargs["target"] = uvicorn.Server(config).run
    try:
        Multiprocess(config, **kwargs).run()
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
