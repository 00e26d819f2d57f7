from ranker import rank


# untouched:begin
def best(query, docs):
    ordered = search(query, docs)
    return ordered[0] if ordered else None
# untouched:end


def search(query: str, docs: list[str]) -> list[str]:
    return rank.remote(query, docs)


def search_many(queries: list[str], docs: list[str]):
    return list(rank.map(queries, [docs] * len(queries)))
