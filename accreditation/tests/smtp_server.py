"""A small real SMTP server for tests: it speaks enough of RFC 5321 for smtplib and answers RCPT
TO with the reply it is given, so the outbox meets real SMTP errors (no mocks)."""

import socket
import threading


class ScriptedSMTPServer:
    def __init__(self, rcpt_reply=b"250 2.1.5 OK"):
        self.rcpt_reply = rcpt_reply
        self.accepted = []  # the DATA of each message it took
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn):
        stream = conn.makefile("rb")
        conn.sendall(b"220 test.example ESMTP\r\n")
        try:
            while line := stream.readline():
                command = line.strip().upper()
                if command.startswith((b"EHLO", b"HELO")):
                    conn.sendall(b"250 test.example\r\n")
                elif command.startswith(b"MAIL"):
                    conn.sendall(b"250 2.1.0 OK\r\n")
                elif command.startswith(b"RCPT"):
                    conn.sendall(self.rcpt_reply + b"\r\n")
                elif command == b"DATA":
                    conn.sendall(b"354 go on\r\n")
                    data = b""
                    while (chunk := stream.readline()) not in (b".\r\n", b""):
                        data += chunk
                    self.accepted.append(data)
                    conn.sendall(b"250 2.0.0 queued\r\n")
                elif command == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    break
                else:
                    conn.sendall(b"250 OK\r\n")
        finally:
            conn.close()

    def close(self):
        self.sock.close()
