"""runjobs: the worker process that runs imports (and any later long work) for the web.

Run one or more beside gunicorn (docs/deploy.md, section 5); ``make demo`` starts
one. SIGTERM or Ctrl+C stops it cleanly: the running task finishes or goes back
to the queue with nothing half-written (register/worker.py).
"""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from phocap.register.worker import Worker


class Command(BaseCommand):
    help = ("Chạy các việc nền (kiểm tra và ghi tệp nhập vào sổ) đang chờ; dừng bằng SIGTERM"
            " hoặc Ctrl+C.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true",
                            help="Chạy hết các việc đang chờ rồi thoát (cho kiểm thử, cron).")
        parser.add_argument("--poll", type=float, default=2.0,
                            help="Số giây chờ giữa hai lần tìm việc mới (mặc định 2).")

    def handle(self, *args: object, **options: Any) -> None:
        worker = Worker()
        signal.signal(signal.SIGTERM, worker.stop)
        signal.signal(signal.SIGINT, worker.stop)
        self.stdout.write(f"runjobs {worker.who}: đang chờ việc.")
        ran = worker.serve(options["poll"], once=options["once"])
        self.stdout.write(f"runjobs {worker.who}: dừng sau {ran} việc.")
