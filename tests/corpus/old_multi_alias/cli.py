import service as svc


def describe(words):
    return [svc.lookup.remote(w) for w in words]


def describe_fast(words):
    return list(svc.lookup.map(words))
