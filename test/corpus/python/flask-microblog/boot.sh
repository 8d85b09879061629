#!/bin/bash
# this script is used to boot a Docker container
while true; do
    flask ensure-dirs
    if [[ "$?" == "0" ]]; then
        break
    fi
    echo Deploy command failed, retrying in 5 secs...
    sleep 5
done
exec gunicorn -b :${PORT:-5000} --workers 2 --access-logfile - --error-logfile - microblog:app
