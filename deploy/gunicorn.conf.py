"""gunicorn settings for one quizapp node: ``gunicorn -c deploy/gunicorn.conf.py``.

Every value can be changed from the environment (the systemd unit reads
/etc/quizapp/quizapp.env), so one file serves every node. Command-line options
given after ``-c`` win over this file (the fault tests pass ``-b`` and ``-w``).
"""

import multiprocessing
import os

wsgi_app = "wsgi:app"

# Only nginx may connect here: loopback when nginx is on the same host; an internal address
# (QUIZAPP_BIND=10.0.0.11:8000) only with a firewall rule that lets nginx alone in
# (deploy/nftables/quizapp-node.nft, docs/deploy.md §4).
bind = os.environ.get("QUIZAPP_BIND", "127.0.0.1:8000")

# Threaded workers, one per core: a request spends much of its time waiting for PostgreSQL,
# and a worker's other threads use the core meanwhile (bench/load/run.py --worker-threads
# measures both kinds). nginx buffers slow phones' uploads and downloads, so a thread is never
# held by a slow network. Each thread may hold one database connection: workers × threads must
# stay below PostgreSQL's max_connections (100 by default) across all nodes.
workers = int(os.environ.get("QUIZAPP_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("QUIZAPP_THREADS", "8"))
worker_class = "gthread" if threads > 1 else "sync"

# A request that takes longer than this is killed and its worker restarted.
timeout = int(os.environ.get("QUIZAPP_WORKER_TIMEOUT", "30"))
graceful_timeout = 30
# nginx keeps upstream connections open (``keepalive`` in the site file).
keepalive = 5

# Workers are not restarted after a number of requests: a restarting gthread worker closes the
# kept-alive connections nginx is sending on, and nginx never repeats a POST, so each restart
# under load cost about five 502s (bench/faults/worker_restarts.py: 13 restarts, 63 of 65,327
# POSTs failed with max_requests 5000; none of 87,393 with 0). Watch the workers' memory instead
# (docs/deploy.md §12); QUIZAPP_MAX_REQUESTS turns the restarts on (the jitter is a tenth).
max_requests = int(os.environ.get("QUIZAPP_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10

# Each worker builds its own app (and its own database pool) after the fork:
# connections must never be shared between processes.
preload_app = False

# Logs go to the journal (systemd) or the terminal.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("QUIZAPP_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'

# gunicorn itself believes X-Forwarded-Proto only from these peers; the app believes every
# X-Forwarded-* header only from QUIZAPP_TRUSTED_PROXIES (quizapp/proxies.py). One list serves
# both: its single addresses (gunicorn takes no networks), unless QUIZAPP_FORWARDED_ALLOW_IPS
# is set; 127.0.0.1 without either.
_trusted = [item.strip() for item in os.environ.get("QUIZAPP_TRUSTED_PROXIES", "").split(",")]
forwarded_allow_ips = (os.environ.get("QUIZAPP_FORWARDED_ALLOW_IPS")
                       or ",".join(item for item in _trusted if item and "/" not in item)
                       or "127.0.0.1")
proc_name = "quizapp"
