from shop.common import stub
from shop.recommender import Recommender


@stub.local_entrypoint()
def main(item: str = "a"):
    print(Recommender().similar.remote(item))
