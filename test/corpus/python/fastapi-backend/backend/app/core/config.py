import os


class Settings:
    PROJECT_NAME: str = os.environ.get("PROJECT_NAME", "Full Stack FastAPI Project")
    API_V1_STR: str = "/api/v1"


settings = Settings()
