"""Without Chromium or Chinese fonts the browser tests skip, and the run ends by saying how
many and the one command that enables them (issue 17): a green run is not taken for tested
phone flows."""

from __future__ import annotations

import os
import re
import subprocess  # nosec B404 - runs this project's own pytest
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_run_without_a_browser_says_what_it_skipped_and_how_to_enable_it():
    env = {**os.environ, "QUIZAPP_TEST_NO_BROWSER": "1"}
    result = subprocess.run(  # nosec B603 - fixed arguments
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/app/test_security_csp_e2e.py",
         "tests/app/test_reports_phone_e2e.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-2000:]
    skipped = int(re.search(r"(\d+) skipped", result.stdout).group(1))
    assert skipped >= 2
    tail = result.stdout.strip().splitlines()[-4:]
    assert any(f"跳过了 {skipped} 个浏览器测试" in line for line in tail), tail
    assert any("sudo apt-get install -y chromium fonts-noto-cjk" in line for line in tail), tail
