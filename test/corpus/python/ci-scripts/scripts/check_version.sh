#!/bin/sh
set -e
python scripts/release.py --dry-run
