"""PNG images of plotly figures, made on the server by kaleido driving the system's Chromium.

Kaleido 1.x renders in a real Chromium through choreographer; it finds the browser through
the ``BROWSER_PATH`` environment variable. The browser comes from the ``browser_path``
setting, else ``BROWSER_PATH``, else the first of ``CANDIDATES`` that exists; it is written to
``BROWSER_PATH`` when that is unset, and also given to kaleido directly.

Starting Chromium costs about 3 s, an image from a running one about 0.2 s, so each process
keeps one browser, started on first use, on its own event-loop thread (kaleido's own "sync
server" shares one reply queue between callers and waits forever if the browser never
starts, so it is not used). Images are rendered one at a time under a lock; an image that
fails closes the browser and is tried once more in a fresh one (a browser that died between
images); one that times out is not retried. A forked
worker (gunicorn) never uses its parent's browser: the renderer belongs to the process that
started it.
"""
from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

import kaleido

log = logging.getLogger(__name__)

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
START_TIMEOUT_SECONDS = 60.0
IMAGE_TIMEOUT_SECONDS = 60.0


class RenderError(RuntimeError):
    """No image could be made (no browser, the browser failed, or it took too long)."""


def browser_path(setting: str | Path | None = None) -> str | None:
    """The browser for kaleido: the setting, else ``BROWSER_PATH``, else the first candidate that exists."""
    if setting:
        return str(setting)
    if os.environ.get("BROWSER_PATH"):
        return os.environ["BROWSER_PATH"]
    return next((c for c in CANDIDATES if Path(c).exists()), None)


class ChartRenderer:
    """One headless Chromium, kept open between images, used by one image at a time."""

    def __init__(self, path: str | None, timeout: float = IMAGE_TIMEOUT_SECONDS):
        self.path = path
        self.timeout = timeout
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: kaleido.Kaleido | None = None

    def _run(self, coroutine, timeout: float):
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout)
        except FutureTimeout:
            future.cancel()
            raise RenderError(f"no answer from the browser within {timeout:.0f} s") from None

    async def _open(self) -> kaleido.Kaleido:
        options = {"path": self.path} if self.path else {}
        browser = kaleido.Kaleido(n=1, timeout=self.timeout, mathjax=False, **options)
        await browser.open()
        return browser

    def _start(self) -> None:
        if self.path and Path(self.path).exists() and not os.environ.get("BROWSER_PATH"):
            os.environ["BROWSER_PATH"] = self.path  # a path that does not exist must not outlive this renderer
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="kaleido-loop", daemon=True).start()
        try:
            self._kaleido = self._run(self._open(), START_TIMEOUT_SECONDS)
        except Exception as exc:
            self._stop()
            raise RenderError(f"cannot start the browser ({self.path or 'not found'}): {exc}") from exc

    def _stop(self) -> None:
        loop, browser = self._loop, self._kaleido
        self._loop, self._kaleido = None, None
        if loop is None:
            return
        if browser is not None:
            try:
                asyncio.run_coroutine_threadsafe(browser.close(), loop).result(10)
            except Exception:  # noqa: BLE001 - a browser that will not close cleanly is left to die with its loop
                log.warning("kaleido browser did not close cleanly", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)

    def png(self, figure, width: int, height: int, scale: float = 1.0) -> bytes:
        """The figure as PNG bytes of ``width * scale`` by ``height * scale`` pixels."""
        opts = {"format": "png", "width": width, "height": height, "scale": scale}
        with self._lock:
            for attempt in (1, 2):  # a browser that died since the last image is replaced once
                fresh = self._kaleido is None
                if fresh:
                    self._start()
                try:
                    return self._run(self._kaleido.calc_fig(figure, opts=opts), self.timeout + 5)
                except Exception as exc:
                    self._stop()  # a fresh browser for the next try or the next image
                    if fresh or attempt == 2 or isinstance(exc, RenderError):  # RenderError: it took too long
                        raise exc if isinstance(exc, RenderError) else RenderError(str(exc)) from exc
                    log.warning("kaleido browser failed (%s); starting a new one", exc)

    def close(self) -> None:
        with self._lock:
            self._stop()

    def kill(self) -> None:
        """End the browser process without asking it (at interpreter exit, when the thread
        pools a clean close needs may already be gone)."""
        process = getattr(self._kaleido, "subprocess", None)
        if process is not None and process.poll() is None:
            process.kill()  # Chromium may sit on SIGTERM for seconds; its helpers exit with it
            process.wait(5)


_renderers: dict[tuple[int, str | None], ChartRenderer] = {}
_renderers_lock = threading.Lock()


def renderer(path: str | None) -> ChartRenderer:
    """This process's renderer for the browser at ``path`` (started on first use)."""
    key = (os.getpid(), path)
    with _renderers_lock:
        if key not in _renderers:
            _renderers[key] = ChartRenderer(path)
        return _renderers[key]


@atexit.register
def _end_all() -> None:
    for (pid, _), item in list(_renderers.items()):
        if pid == os.getpid():
            item.kill()
