from dataclasses import dataclass


@dataclass
class UserRepo:
    session: object

    async def get_or_create_user(self, user_id: int) -> int:
        return user_id
