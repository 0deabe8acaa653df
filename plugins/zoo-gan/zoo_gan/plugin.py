"""The zoo-gan plugin: DCGAN and class-conditional GAN models and the
image-generation task.

This module only registers specs; it imports neither torch nor the models, so
listing the registry stays fast.
"""

from __future__ import annotations

from collections.abc import Callable

from zoo_core import hookimpl
from zoo_core.specs import ModelSpec, Param, TaskSpec

TASK = "image-generation"

#: image datasets the models are known to train on (any image-classification
#: dataset is accepted)
IMAGE_DATASETS = ("optdigits", "mnist", "fashion-mnist", "cifar10", "image-folder")

_TRAINING_PARAMS = (
    Param("epochs", 40, "int", "passes over the training split", min=1),
    Param("batch_size", 32, "int", "images per step for each player", min=2),
    Param("lr", 2e-4, "float", "Adam learning rate of the generator", min=0.0),
    Param(
        "lr_discriminator",
        None,
        "float",
        "Adam learning rate of the discriminator; unset uses lr",
        min=0.0,
    ),
    Param("beta1", 0.5, "float", "Adam beta1 of both players", min=0.0, max=1.0),
    Param("beta2", 0.999, "float", "Adam beta2 of both players", min=0.0, max=1.0),
    Param(
        "label_smoothing",
        0.0,
        "float",
        "one-sided smoothing: the discriminator's target for real images is 1 - this",
        min=0.0,
        max=0.5,
    ),
    Param(
        "average_decay",
        0.999,
        "float",
        "decay of the moving average of generator weights that samples are drawn "
        "from; 0 samples from the last weights",
        min=0.0,
        max=0.99999,
    ),
    Param("latent_dim", 64, "int", "length of the generator's noise vector", min=1),
    Param(
        "width",
        64,
        "int",
        "channels at full resolution; each halving of the side doubles them (to 8x)",
        min=4,
    ),
    Param(
        "classifier",
        "",
        "str",
        "run directory of an image classifier whose features score the samples; "
        "unset trains cnn/lenet5 once into the cache",
    ),
)


@hookimpl
def zoo_register_tasks(register: Callable[[TaskSpec], None]) -> None:
    register(
        TaskSpec(
            id=TASK,
            summary="Generating new images like those of an image dataset",
            procedure="zoo_gan.procedure:GANProcedure",
            metrics=("fcd", "class_accuracy", "class_entropy", "min_class_share"),
        )
    )


@hookimpl
def zoo_register_models(register: Callable[[ModelSpec], None]) -> None:
    register(
        ModelSpec(
            id="gan/dcgan",
            task=TASK,
            summary="Deep convolutional GAN; sizes itself from 8x8 to 32x32+ images",
            builder="zoo_gan.models:build_dcgan",
            params=_TRAINING_PARAMS,
            datasets=IMAGE_DATASETS,
            data_tasks=("image-classification",),
            reference="Radford, Metz, Chintala (2016), arXiv:1511.06434",
        )
    )
    register(
        ModelSpec(
            id="gan/cgan",
            task=TASK,
            summary="Class-conditional GAN with a projection discriminator",
            builder="zoo_gan.models:build_cgan",
            params=_TRAINING_PARAMS,
            datasets=IMAGE_DATASETS,
            data_tasks=("image-classification",),
            reference=(
                "Mirza, Osindero (2014), arXiv:1411.1784; "
                "Miyato, Koyama (2018), arXiv:1802.05637"
            ),
        )
    )
