from dataclasses import dataclass

from infrastructure.database.repo.users import UserRepo


@dataclass
class RequestsRepo:
    session: object

    @property
    def users(self) -> UserRepo:
        return UserRepo(self.session)
