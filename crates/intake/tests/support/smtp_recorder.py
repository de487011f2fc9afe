"""A real SMTP listener on loopback that records each mail it is given, for the intake's mail tests.

Usage: python3 smtp_recorder.py FOLDER [PORT [MAX_BYTES]]. Listens on 127.0.0.1 (PORT, or one the system picks;
0 for that too), refuses for good (552) a mail larger than MAX_BYTES (default aiosmtpd's 32 MiB), prints
the port as its first line on stdout, and writes each mail to FOLDER/N.json: the envelope's recipients, the
header names in order (the mail's, and every part's), the decoded subject and plain-text body, each attachment
(its file name, type, transfer encoding, size and SHA-256 once decoded), every part's type, and the raw message
(written to a dot-file first, then renamed, so a reader never sees half a mail). Installed by scripts/setup
(aiosmtpd 1.4.6).
"""

import asyncio
import email
import email.policy
import hashlib
import json
import os
import sys

from aiosmtpd.smtp import SMTP


class Recorder:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        attachments = []
        for part in parsed.iter_attachments():
            content = part.get_payload(decode=True) or b""
            attachments.append(
                {
                    "filename": part.get_filename(),
                    "content_type": part.get_content_type(),
                    "encoding": str(part.get("content-transfer-encoding", "")),
                    "bytes": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(),
                }
            )
        record = {
            "rcpt_tos": envelope.rcpt_tos,
            "headers": [name for name, _ in parsed.items()],
            "part_headers": [name for part in parsed.walk() for name, _ in part.items()],
            "part_types": [part.get_content_type() for part in parsed.walk()],
            "attachments": attachments,
            "to": str(parsed["to"]),
            "subject": str(parsed["subject"]),
            "content_type": parsed.get_content_type(),
            "body": body.get_content() if body is not None else "",
            "raw": raw.decode("utf-8", "replace"),
        }
        final = os.path.join(self.folder, f"{self.count}.json")
        partial = os.path.join(self.folder, f".{self.count}.partial")
        with open(partial, "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.rename(partial, final)
        return "250 OK"


async def main():
    folder = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 33554432
    os.makedirs(folder, exist_ok=True)
    loop = asyncio.get_running_loop()
    # One recorder for every connection: each mail gets the next number.
    recorder = Recorder(folder)
    server = await loop.create_server(
        lambda: SMTP(recorder, hostname="recorder.test", data_size_limit=limit),
        "127.0.0.1",
        port,
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


asyncio.run(main())
