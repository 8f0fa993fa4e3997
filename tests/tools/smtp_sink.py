"""A real SMTP server for civic's tests: aiosmtpd on 127.0.0.1, every message written as an
.eml file into a folder. Prints "READY <port>" once listening; runs until stdin closes.

    python smtp_sink.py OUT_DIR [PORT]
"""
import pathlib
import socket
import sys
import time

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, folder):
        self.folder = pathlib.Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = self.folder / f"{time.time_ns()}-{self.count:06d}.eml"
        tmp = name.with_suffix(".part")
        # The envelope recipients first, as a header the test can read, then the message as sent.
        head = "X-Envelope-To: " + ", ".join(envelope.rcpt_tos) + "\r\n"
        tmp.write_bytes(head.encode() + envelope.original_content)
        tmp.rename(name)
        return "250 Message accepted for delivery"


def main():
    folder = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    if port == 0:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    controller = Controller(Store(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"READY {port}", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
