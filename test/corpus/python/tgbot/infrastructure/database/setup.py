from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine


def create_engine(url, echo=False):
    return create_async_engine(url, pool_size=20, max_overflow=200, echo=echo)


def create_session_pool(engine):
    return async_sessionmaker(bind=engine, expire_on_commit=False)
