import pathlib


def main() -> None:
    print(pathlib.Path("CHANGELOG.md").read_text().splitlines()[0])


if __name__ == "__main__":
    main()
