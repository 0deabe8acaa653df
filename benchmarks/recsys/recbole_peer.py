"""Train and test one RecBole model on a split given as RecBole atomic files.

Runs inside the RecBole virtual environment (benchmarks/.venvs/recbole), called by
run.py, which writes the split. Prints one JSON line: the test metrics and the
seconds spent in ``Trainer.fit`` (training plus RecBole's per-epoch validation).

    python recbole_peer.py DATA_PATH DATASET_NAME MODEL SEED
"""

from __future__ import annotations

import json
import logging
import sys
import time


def main() -> None:
    data_path, dataset_name, model_name, seed = sys.argv[1:5]

    import torch

    torch.set_num_threads(1)
    from recbole.config import Config
    from recbole.data import create_dataset, data_preparation
    from recbole.utils import get_model, get_trainer, init_seed

    settings = {
        "data_path": data_path,
        "benchmark_filename": ["train", "valid", "test"],
        "load_col": {"inter": ["user_id", "item_id"]},
        "seed": int(seed),
        "reproducibility": True,
        "use_gpu": False,
        "device": "cpu",
        "show_progress": False,
        "save_dataset": False,
        "save_dataloaders": False,
        "checkpoint_dir": data_path,
        "metrics": ["NDCG", "Recall", "Hit", "MRR"],
        "topk": [10],
        "state": "WARNING",
    }
    config = Config(model=model_name, dataset=dataset_name, config_dict=settings)
    init_seed(config["seed"], config["reproducibility"])
    logging.getLogger().setLevel(logging.WARNING)

    dataset = create_dataset(config)
    train_data, valid_data, test_data = data_preparation(config, dataset)
    model = get_model(config["model"])(config, train_data.dataset).to(config["device"])
    trainer = get_trainer(config["MODEL_TYPE"], config["model"])(config, model)

    epochs_run = 0
    train_epoch = trainer._train_epoch

    def counted_epoch(*args, **kwargs):
        nonlocal epochs_run
        epochs_run += 1
        return train_epoch(*args, **kwargs)

    trainer._train_epoch = counted_epoch
    started = time.perf_counter()
    trainer.fit(train_data, valid_data, verbose=False, show_progress=False)
    seconds = time.perf_counter() - started
    result = trainer.evaluate(test_data, load_best_model=True, show_progress=False)

    metrics = {key.lower(): float(value) for key, value in result.items()}
    print(
        json.dumps(
            {
                "model": model_name,
                "seconds": seconds,
                "metrics": metrics,
                "epochs": epochs_run,
                "config": {
                    k: config[k]
                    for k in (
                        "epochs",
                        "train_batch_size",
                        "learning_rate",
                        "stopping_step",
                        "valid_metric",
                        "embedding_size",
                    )
                    if k in config
                },
                "sizes": {
                    "users": dataset.user_num - 1,
                    "items": dataset.item_num - 1,
                    "train": len(train_data.dataset),
                    "valid": len(valid_data.dataset),
                    "test": len(test_data.dataset),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
