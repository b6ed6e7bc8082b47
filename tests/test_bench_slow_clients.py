"""deploy/nginx.conf, as bench/bench_slow_clients.py runs it, is a configuration nginx accepts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bench.bench_slow_clients import nginx_config

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx-light)")
@pytest.mark.parametrize("limits", [True, False])
def test_nginx_accepts_the_deploy_configuration(tmp_path: Path, limits: bool) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_config(8000, 8080, tmp_path, limits=limits))
    site = (tmp_path / "verbatim.conf").read_text()
    assert ("limit_req zone=verbatim_api" in site) is limits
    assert "server 127.0.0.1:8000;" in site
    result = subprocess.run(
        [str(NGINX), "-t", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
