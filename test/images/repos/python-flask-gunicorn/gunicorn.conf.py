# Threads, so one worker serves many slow requests at once.
bind = "0.0.0.0:8000"
workers = 2
worker_class = "gthread"
threads = 32
