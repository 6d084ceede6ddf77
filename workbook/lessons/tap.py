"""Lesson 10: see what an eavesdropper on the network sees. A tap is a TCP relay that forwards
every byte between a client and a server and keeps a copy.

    with Tap(lb.port) as tap:                        # listens on 127.0.0.1:tap.port
        requests.get(f"http://127.0.0.1:{tap.port}/users")
        tap.sent                                     # the bytes the client sent, as they travelled

It understands nothing: with TLS, what it keeps is ciphertext, exactly what a router, a Wi-Fi
neighbour or a proxy on the way would see. It runs on threads of this process and stops with it.
"""

from __future__ import annotations

import socket
import threading

from .. import cells


class Tap:
    """A relay on 127.0.0.1 in front of `target_port`; `.sent` and `.received` keep the bytes."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.sent, self.received = bytearray(), bytearray()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()
        cells.adopt(self, self.stop)  # in a notebook, running the cell again replaces the tap

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:  # stop() closed the listener
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server, self.sent), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, self.received), daemon=True).start()

    def _pump(self, source: socket.socket, destination: socket.socket, copy: bytearray) -> None:
        """Forward source to destination until either side closes, keeping a copy."""
        try:
            while data := source.recv(65536):
                with self._lock:
                    copy.extend(data)
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, destination):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def clear(self) -> None:
        """Forget what was seen so far."""
        with self._lock:
            self.sent.clear()
            self.received.clear()

    def stop(self) -> None:
        self._listener.close()
        with self._lock:
            for end in self._sockets:
                end.close()
            self._sockets.clear()

    def __enter__(self) -> Tap:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
