"""The embedded server's handle list forgets processes that died without saying so."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from crm.db.embedded import forget_dead_handles


def test_dead_processes_are_dropped(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / ".handle_pids.json").write_text(json.dumps([os.getpid(), dead.pid]))
    assert forget_dead_handles(tmp_path) == [dead.pid]
    assert json.loads((tmp_path / ".handle_pids.json").read_text()) == [os.getpid()]


def test_missing_or_broken_list_is_left_alone(tmp_path):
    assert forget_dead_handles(tmp_path) == []
    (tmp_path / ".handle_pids.json").write_text("not json")
    assert forget_dead_handles(tmp_path) == []
