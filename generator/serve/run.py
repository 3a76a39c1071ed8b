"""Start the server (uvicorn) and open the officer's browser on it."""

from __future__ import annotations

import socket
import threading
import time
import webbrowser
from collections.abc import Callable

import uvicorn

from ..errors import UserError, error
from ..options import RunOptions
from .app import create_app


def serve(options: RunOptions, host: str, port: int, open_browser: bool = True,
          echo: Callable[[str], None] = print) -> None:
    _check_port(host, port)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    config = uvicorn.Config(create_app(options), host=host, port=port, log_level="warning",
                            access_log=False, server_header=False)
    server = uvicorn.Server(config)
    echo(f"gen-report 网页已启动：{url}")
    if host not in ("127.0.0.1", "localhost", "::1"):
        echo(f"注意：监听地址为 {host}，同一网络中的其他电脑也能打开本页面。")
    echo("在浏览器中打开上面的地址即可使用；关闭本窗口或按 Ctrl+C 停止。")
    if open_browser:
        threading.Thread(target=_open_when_ready, args=(server, url), daemon=True).start()
    server.run()


def _open_when_ready(server: object, url: str) -> None:
    """The officer's browser, once the server answers (never before, or the page would fail)."""
    for _ in range(600):
        if getattr(server, "started", False):
            webbrowser.open(url)
            return
        time.sleep(0.05)


def _check_port(host: str, port: int) -> None:
    """A port already in use gets a Chinese message, not uvicorn's English one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            raise UserError([error("port-in-use", f"无法在 {host}:{port} 上启动网页（端口已被占用或地址无效）",
                                   hint="可能已经启动过一次（请直接在浏览器中打开），或用 --port 换一个端口，如 --port 8766")]) from e
