import subprocess
import sys


def main() -> int:
    return subprocess.call([sys.executable, "-m", "build"])


if __name__ == "__main__":
    sys.exit(main())
