"""A bot's web server started on this machine, for the e2e tests and the benchmarks: a free
port to give it, and waiting until its ``/readyz`` answers."""

import asyncio
import socket
import subprocess
import time

import aiohttp


class NotReady(RuntimeError):
    """The server exited at start-up or did not become ready in time."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_ready(base_url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Poll ``base_url/readyz`` until it answers 200; NotReady if ``process`` exits first or
    ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise NotReady("exited at start-up")
            try:
                async with http.get(f"{base_url}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise NotReady(f"not ready within {timeout:.0f} s")
