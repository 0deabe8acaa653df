"""The recommender plugin's hooks: its tasks, models and datasets.

Only specs live here; the code they name is imported when a model is built or a
dataset loaded, so listing the registry stays fast.
"""

from __future__ import annotations

from collections.abc import Callable

from zoo_core import hookimpl
from zoo_core.specs import DatasetSpec, ModelSpec, Param, Source, TaskSpec

RATING = "rating-prediction"
RANKING = "item-ranking"
DATASETS = ("movielens-100k", "movielens-1m", "ratings-csv")

GROUPLENS_TERMS = (
    "GroupLens research terms: research use only, no redistribution, no "
    "commercial use without permission; acknowledge the data set in publications"
)
GROUPLENS_CITATION = (
    'F. M. Harper, J. A. Konstan, "The MovieLens Datasets: History and Context", '
    "ACM Transactions on Interactive Intelligent Systems 5(4), 2015"
)


@hookimpl
def zoo_register_tasks(register: Callable[[TaskSpec], None]) -> None:
    register(
        TaskSpec(
            id=RATING,
            summary="Predict explicit ratings of (user, item) pairs; RMSE and MAE",
            procedure="zoo_recsys.rating:RatingProcedure",
            metrics=("rmse", "mae"),
        )
    )
    register(
        TaskSpec(
            id=RANKING,
            summary="Rank unseen items for each user from implicit feedback; "
            "full-ranking NDCG@10, Recall@10, Hit@10, MRR@10",
            procedure="zoo_recsys.ranking:RankingProcedure",
            metrics=("ndcg@10", "recall@10", "hit@10", "mrr@10"),
        )
    )


def _training(
    epochs: int,
    batch_size: int,
    lr: float,
    schedule: str = "none",
    unit: str = "ratings",
) -> tuple[Param, ...]:
    return (
        Param("epochs", epochs, "int", "passes over the training split", min=1),
        Param("batch_size", batch_size, "int", f"{unit} per training step", min=1),
        Param("lr", lr, "float", "Adam learning rate", min=0.0),
        Param(
            "schedule",
            schedule,
            "str",
            "learning-rate schedule over the epochs",
            choices=("none", "cosine"),
        ),
    )


@hookimpl
def zoo_register_models(register: Callable[[ModelSpec], None]) -> None:
    register(
        ModelSpec(
            id="recsys/mf",
            task=RATING,
            summary="Biased matrix factorisation (Surprise's SVD model) with L2",
            builder="zoo_recsys.models.mf:build",
            params=(
                *_training(epochs=6, batch_size=4096, lr=0.02),
                Param(
                    "factors", 64, "int", "length of the user and item factors", min=1
                ),
                Param(
                    "reg",
                    0.1,
                    "float",
                    "L2 weight on the factors of each rating",
                    min=0.0,
                ),
                Param(
                    "reg_bias",
                    0.01,
                    "float",
                    "L2 weight on the biases of each rating",
                    min=0.0,
                ),
                Param("init_std", 0.1, "float", "std of the initial factors", min=0.0),
            ),
            datasets=DATASETS,
            reference="Koren, Bell, Volinsky, Matrix Factorization Techniques for "
            "Recommender Systems, IEEE Computer 2009",
        )
    )
    register(
        ModelSpec(
            id="recsys/mlp",
            task=RATING,
            summary="User and item embeddings, concatenated, one ReLU layer, "
            "a linear rating output around the global mean",
            builder="zoo_recsys.models.mlp:build",
            params=(
                *_training(epochs=20, batch_size=2048, lr=0.003),
                Param("embedding_dim", 32, "int", "length of each embedding", min=1),
                Param("hidden", 64, "int", "width of the ReLU layer", min=1),
                Param(
                    "dropout",
                    0.2,
                    "float",
                    "dropout on embeddings and hidden layer",
                    min=0.0,
                    max=0.9,
                ),
                Param(
                    "reg",
                    0.05,
                    "float",
                    "L2 weight on the embeddings of each rating",
                    min=0.0,
                ),
            ),
            datasets=DATASETS,
        )
    )
    register(
        ModelSpec(
            id="recsys/autorec",
            task=RATING,
            summary="Item-based AutoRec: an autoencoder over each item's ratings",
            builder="zoo_recsys.models.autorec:build",
            params=(
                *_training(40, 128, 1e-3, schedule="cosine", unit="items"),
                Param("hidden", 500, "int", "width of the sigmoid code layer", min=1),
                Param(
                    "reg",
                    100.0,
                    "float",
                    "L2 weight (lambda of the AutoRec paper)",
                    min=0.0,
                ),
                Param(
                    "dropout",
                    0.0,
                    "float",
                    "dropout on the input ratings",
                    min=0.0,
                    max=0.9,
                ),
            ),
            datasets=DATASETS,
            reference="Sedhain et al., AutoRec: Autoencoders Meet Collaborative "
            "Filtering, WWW 2015",
        )
    )
    register(
        ModelSpec(
            id="recsys/autorec-mf",
            task=RATING,
            summary="I-AutoRec and biased MF trained side by side, predictions blended",
            builder="zoo_recsys.models.hybrid:build",
            params=(
                *_training(40, 128, 1e-3, schedule="cosine", unit="items"),
                Param("hidden", 500, "int", "width of AutoRec's code layer", min=1),
                Param(
                    "reg",
                    100.0,
                    "float",
                    "AutoRec's L2 weight (paper's lambda)",
                    min=0.0,
                ),
                Param("factors", 64, "int", "length of MF's factors", min=1),
                Param("mf_lr", 0.01, "float", "MF's Adam learning rate", min=0.0),
                Param("mf_reg", 0.1, "float", "MF's L2 weight on factors", min=0.0),
                Param(
                    "mf_reg_bias", 0.01, "float", "MF's L2 weight on biases", min=0.0
                ),
                Param(
                    "weight",
                    0.6,
                    "float",
                    "AutoRec's share of the blend",
                    min=0.0,
                    max=1.0,
                ),
            ),
            datasets=DATASETS,
            reference="Sedhain et al., WWW 2015; Koren, Bell, Volinsky, 2009",
        )
    )
    register(
        ModelSpec(
            id="recsys/bpr",
            task=RANKING,
            summary="BPR-MF: factors that rank seen items above sampled unseen ones",
            builder="zoo_recsys.models.bpr:build",
            params=(
                *_training(20, 2048, 0.01, unit="positive interactions"),
                Param(
                    "factors", 64, "int", "length of the user and item factors", min=1
                ),
                Param(
                    "num_negatives", 4, "int", "unseen items drawn per positive", min=1
                ),
                Param(
                    "reg",
                    0.01,
                    "float",
                    "L2 weight on the factors in each triple",
                    min=0.0,
                ),
            ),
            datasets=DATASETS,
            data_tasks=(RANKING, RATING),
            reference="Rendle et al., BPR: Bayesian Personalized Ranking from "
            "Implicit Feedback, UAI 2009",
        )
    )
    register(
        ModelSpec(
            id="recsys/neumf",
            task=RANKING,
            summary="NeuMF: GMF and MLP towers fused, trained on sampled negatives",
            builder="zoo_recsys.models.neumf:build",
            params=(
                *_training(10, 4096, 0.005, unit="positive interactions"),
                Param("mf_dim", 64, "int", "embedding length of the GMF tower", min=1),
                Param("mlp_dim", 64, "int", "embedding length of the MLP tower", min=1),
                Param("layers", "128,64", "str", "widths of the MLP tower's layers"),
                Param(
                    "dropout",
                    0.1,
                    "float",
                    "dropout in the MLP tower",
                    min=0.0,
                    max=0.9,
                ),
                Param(
                    "num_negatives", 4, "int", "unseen items drawn per positive", min=1
                ),
            ),
            datasets=DATASETS,
            data_tasks=(RANKING, RATING),
            reference="He et al., Neural Collaborative Filtering, WWW 2017",
        )
    )
    register(
        ModelSpec(
            id="recsys/ease",
            task=RANKING,
            summary="EASE: item-item weights from one regularised linear solve",
            builder="zoo_recsys.models.ease:build",
            params=(
                Param(
                    "epochs",
                    1,
                    "int",
                    "solves; the solution is exact, so one is enough",
                    min=1,
                ),
                Param(
                    "reg", 250.0, "float", "L2 weight on the item-item weights", min=0.0
                ),
            ),
            datasets=DATASETS,
            data_tasks=(RANKING, RATING),
            reference="Steck, Embarrassingly Shallow Autoencoders for Sparse Data, "
            "WWW 2019",
        )
    )


_SPLIT_PARAMS = (
    Param(
        "split",
        "auto",
        "str",
        "evaluation protocol: random-80-20, kfold, per-user-811 (RecBole's), or "
        "auto (per-user-811 for ranking models, random-80-20 otherwise)",
        choices=("auto", "random-80-20", "kfold", "per-user-811"),
    ),
    Param("folds", 5, "int", "number of folds for split=kfold", min=2),
    Param("fold", 0, "int", "which fold is the test split for split=kfold", min=0),
    Param(
        "valid_fraction",
        0.0,
        "float",
        "share of all ratings moved from train to a valid split "
        "(random-80-20 and kfold)",
        min=0.0,
        max=0.5,
    ),
)


@hookimpl
def zoo_register_datasets(register: Callable[[DatasetSpec], None]) -> None:
    register(
        DatasetSpec(
            id="movielens-100k",
            task=RATING,
            summary="MovieLens 100K: 100,000 ratings (1-5), 943 users, 1,682 movies",
            loader="zoo_recsys.datasets:load_movielens_100k",
            directory="ml-100k",
            files=("u.data", "u.item"),
            sources=(
                Source(
                    url="https://files.grouplens.org/datasets/movielens/ml-100k.zip",
                    sha256=(
                        "50d2a982c66986937beb9ffb3aa76efe"
                        "955bf3d5c6b761f4e3a7cd717c6a3229"
                    ),
                    size=4_924_029,
                ),
                # The copy inside the RecBole 1.2.1 wheel, for networks that reach a
                # Python package index but not the open internet.
                Source(
                    url="recbole==1.2.1",
                    sha256=(
                        "9c9948202011f37eb0a7c6768129313f"
                        "00d6403ad221ec940d5e2d5d5f33a407"
                    ),
                    kind="package-index",
                    unpack="zoo_recsys.mirror:recbole_to_grouplens",
                ),
            ),
            splits=("train", "valid", "test"),
            params=_SPLIT_PARAMS,
            license=GROUPLENS_TERMS,
            citation=GROUPLENS_CITATION,
            homepage="https://grouplens.org/datasets/movielens/100k/",
        )
    )
    register(
        DatasetSpec(
            id="movielens-1m",
            task=RATING,
            summary="MovieLens 1M: 1,000,209 ratings (1-5), 6,040 users, 3,706 movies",
            loader="zoo_recsys.datasets:load_movielens_1m",
            directory="ml-1m",
            files=("ratings.dat", "movies.dat"),
            sources=(
                Source(
                    url="https://files.grouplens.org/datasets/movielens/ml-1m.zip",
                    sha256=(
                        "a6898adb50b9ca05aa231689da44c217"
                        "cb524e7ebd39d264c56e2832f2c54e20"
                    ),
                    size=5_917_549,
                ),
            ),
            splits=("train", "valid", "test"),
            params=_SPLIT_PARAMS,
            license=GROUPLENS_TERMS,
            citation=GROUPLENS_CITATION,
            homepage="https://grouplens.org/datasets/movielens/1m/",
        )
    )
    register(
        DatasetSpec(
            id="ratings-csv",
            task=RATING,
            summary="Your own ratings table (a header line, one rating per line)",
            loader="zoo_recsys.datasets:load_ratings_csv",
            splits=("train", "valid", "test"),
            params=(
                Param("path", None, "str", "the ratings file"),
                Param("user_col", "user_id", "str", "header of the user id column"),
                Param("item_col", "item_id", "str", "header of the item id column"),
                Param("rating_col", "rating", "str", "header of the rating column"),
                Param("sep", ",", "str", "field separator"),
                Param(
                    "rating_min",
                    None,
                    "float",
                    "lowest valid rating (default: lowest seen)",
                ),
                Param(
                    "rating_max",
                    None,
                    "float",
                    "highest valid rating (default: highest seen)",
                ),
                *_SPLIT_PARAMS,
            ),
            bundled=False,
        )
    )
