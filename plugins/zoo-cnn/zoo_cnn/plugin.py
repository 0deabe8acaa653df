"""The zoo-cnn plugin: convolutional image classifiers and the image datasets they
train on.

This module only registers specs. It imports neither torch nor numpy, so listing
the registry stays fast; builders and loaders are named as "module:function".
"""

from __future__ import annotations

from collections.abc import Callable

from zoo_core import hookimpl
from zoo_core.specs import DatasetSpec, ModelSpec, Param, Source

from .options import augment_param, valid_fraction_param

TASK = "image-classification"

#: the datasets the models train on; the first is the default
IMAGE_DATASETS = ("optdigits", "mnist", "fashion-mnist", "cifar10", "image-folder")


def _training_params(
    *,
    epochs: int,
    batch_size: int,
    lr: float,
    optimizer: str,
    weight_decay: float,
    label_smoothing: float,
) -> tuple[Param, ...]:
    """The hyperparameters ClassificationProcedure reads, with these defaults."""
    return (
        Param("epochs", epochs, "int", "passes over the training split", min=1),
        Param("batch_size", batch_size, "int", "images per step", min=1),
        Param("lr", lr, "float", "peak learning rate", min=0.0),
        Param(
            "optimizer",
            optimizer,
            "str",
            "adam (AdamW) or sgd (Nesterov momentum)",
            choices=("adam", "sgd"),
        ),
        Param("momentum", 0.9, "float", "momentum of sgd", min=0.0, max=1.0),
        Param(
            "weight_decay",
            weight_decay,
            "float",
            "decoupled (adam) or L2 (sgd) weight decay",
            min=0.0,
        ),
        Param(
            "label_smoothing",
            label_smoothing,
            "float",
            "share of the target probability spread over all classes",
            min=0.0,
            max=1.0,
        ),
        Param(
            "schedule",
            "cosine",
            "str",
            "learning-rate schedule over the epochs",
            choices=("cosine", "none"),
        ),
    )


@hookimpl
def zoo_register_models(register: Callable[[ModelSpec], None]) -> None:
    register(
        ModelSpec(
            id="cnn/lenet5",
            task=TASK,
            summary="LeNet-5 style CNN: conv, pool, conv, pool, three dense layers",
            builder="zoo_cnn.lenet:build_lenet5",
            params=_training_params(
                epochs=15,
                batch_size=128,
                lr=5e-3,
                optimizer="adam",
                weight_decay=1e-4,
                label_smoothing=0.1,
            )
            + (
                Param(
                    "width",
                    4.0,
                    "float",
                    "multiplies LeNet-5's sizes: 6 and 16 channels, 120 and 84 units",
                    min=0.1,
                ),
                Param(
                    "kernel", 3, "int", "side of the convolution kernels (odd)", min=1
                ),
                Param(
                    "dropout",
                    0.3,
                    "float",
                    "drop probability before the dense layers",
                    min=0.0,
                    max=0.95,
                ),
                Param(
                    "batch_norm",
                    True,
                    "bool",
                    "batch normalisation after each convolution",
                ),
                Param(
                    "pooling",
                    "max",
                    "str",
                    "max pooling, or avg for LeNet-5's averaging sub-sampling",
                    choices=("max", "avg"),
                ),
            ),
            datasets=IMAGE_DATASETS,
            reference=(
                "LeCun, Bottou, Bengio, Haffner (1998), Gradient-based learning "
                "applied to document recognition, Proc. IEEE 86(11)"
            ),
        )
    )
    register(
        ModelSpec(
            id="cnn/resnet20",
            task=TASK,
            summary="ResNet-20 for CIFAR: 3 stages x 3 basic blocks, 16/32/64 channels",
            builder="zoo_cnn.resnet:build_resnet20",
            params=_training_params(
                epochs=164,
                batch_size=128,
                lr=0.1,
                optimizer="sgd",
                weight_decay=1e-4,
                label_smoothing=0.0,
            ),
            datasets=("cifar10",) + tuple(d for d in IMAGE_DATASETS if d != "cifar10"),
            reference=(
                "He, Zhang, Ren, Sun (2016), Deep residual learning for image "
                "recognition, CVPR, section 4.2; arXiv:1512.03385"
            ),
        )
    )


@hookimpl
def zoo_register_datasets(register: Callable[[DatasetSpec], None]) -> None:
    register(
        DatasetSpec(
            id="optdigits",
            task=TASK,
            summary="UCI handwritten digits, 8x8 counts 0-16; 3,823 train, 1,797 test",
            loader="zoo_cnn.datasets.optdigits:load_optdigits",
            splits=("train", "valid", "test"),
            params=(augment_param("affine"), valid_fraction_param(0.0)),
            license="CC BY 4.0 (shipped unchanged with its attribution)",
            citation=(
                "E. Alpaydin, C. Kaynak (1998), Optical Recognition of Handwritten "
                "Digits, UCI Machine Learning Repository, doi:10.24432/C50P49"
            ),
            homepage="https://archive.ics.uci.edu/dataset/80",
            bundled=True,
        )
    )
    register(
        DatasetSpec(
            id="mnist",
            task=TASK,
            summary="MNIST handwritten digits, 28x28 grey; 60,000 train, 10,000 test",
            loader="zoo_cnn.datasets.idx:load_mnist",
            directory="mnist",
            files=_IDX_FILES,
            sources=_idx_sources(_MNIST_MIRRORS, _MNIST_FILES),
            splits=("train", "valid", "test"),
            params=(augment_param("none"), valid_fraction_param(0.0)),
            license=(
                "CC BY-SA 3.0, as catalogued by TensorFlow Datasets and Hugging "
                "Face; the MNIST page itself states no terms"
            ),
            citation=(
                "Y. LeCun, L. Bottou, Y. Bengio, P. Haffner (1998), Gradient-based "
                "learning applied to document recognition, Proc. IEEE 86(11)"
            ),
            homepage="http://yann.lecun.com/exdb/mnist/",
        )
    )
    register(
        DatasetSpec(
            id="fashion-mnist",
            task=TASK,
            summary="Zalando product images, 28x28 grey, 10 classes; 60,000/10,000",
            loader="zoo_cnn.datasets.idx:load_fashion_mnist",
            directory="fashion-mnist",
            files=_IDX_FILES,
            sources=_idx_sources(_FASHION_MIRRORS, _FASHION_FILES),
            splits=("train", "valid", "test"),
            params=(augment_param("none"), valid_fraction_param(0.0)),
            license="MIT (Zalando SE)",
            citation=(
                "H. Xiao, K. Rasul, R. Vollgraf (2017), Fashion-MNIST: a Novel Image "
                "Dataset for Benchmarking Machine Learning Algorithms, "
                "arXiv:1708.07747"
            ),
            homepage="https://github.com/zalandoresearch/fashion-mnist",
        )
    )
    register(
        DatasetSpec(
            id="cifar10",
            task=TASK,
            summary="CIFAR-10 colour images, 32x32, 10 classes; 50,000/10,000",
            loader="zoo_cnn.datasets.cifar:load_cifar10",
            directory="cifar-10-batches-bin",
            files=tuple(f"data_batch_{n}.bin" for n in range(1, 6))
            + ("test_batch.bin",),
            sources=(
                Source(
                    url="https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
                    sha256=(
                        "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"
                    ),
                    size=170_052_171,
                ),
            ),
            splits=("train", "valid", "test"),
            params=(augment_param("crop-flip"), valid_fraction_param(0.0)),
            license=(
                "no license stated by the authors; cite the technical report when "
                "using it"
            ),
            citation=(
                "A. Krizhevsky (2009), Learning Multiple Layers of Features from "
                "Tiny Images, technical report, University of Toronto"
            ),
            homepage="https://www.cs.toronto.edu/~kriz/cifar.html",
        )
    )
    register(
        DatasetSpec(
            id="image-folder",
            task=TASK,
            summary="Your own images: one subfolder of PNG/JPEG files per class",
            loader="zoo_cnn.datasets.folder:load_image_folder",
            splits=("train", "valid", "test"),
            params=(
                Param(
                    "path",
                    None,
                    "str",
                    "folder holding one subfolder of images per class (required)",
                ),
                Param("size", 32, "int", "images are resized to size x size", min=1),
                Param(
                    "channels",
                    3,
                    "int",
                    "1 (grey) or 3 (RGB); images are converted",
                    choices=(1, 3),
                ),
                valid_fraction_param(0.1),
                Param(
                    "test_path",
                    None,
                    "str",
                    "optional folder of test images laid out like path",
                ),
                augment_param("none"),
            ),
            license="your own data",
        )
    )


#: the four IDX files, as the official servers name them
_IDX_DOWNLOADS = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
#: what the data directory holds once they are fetched (decompressed)
_IDX_FILES = tuple(name.removesuffix(".gz") for name in _IDX_DOWNLOADS)

#: sha256 and size in bytes of each download
_MNIST_FILES = {
    "train-images-idx3-ubyte.gz": (
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        9_912_422,
    ),
    "train-labels-idx1-ubyte.gz": (
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        28_881,
    ),
    "t10k-images-idx3-ubyte.gz": (
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        1_648_877,
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        4_542,
    ),
}
_FASHION_FILES = {
    "train-images-idx3-ubyte.gz": (
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        26_421_880,
    ),
    "train-labels-idx1-ubyte.gz": (
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        29_515,
    ),
    "t10k-images-idx3-ubyte.gz": (
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        4_422_102,
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        5_148,
    ),
}

#: the official server first, then mirrors serving the same bytes
_MNIST_MIRRORS = (
    "http://yann.lecun.com/exdb/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
_FASHION_MIRRORS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)


def _idx_sources(
    mirrors: tuple[str, ...], checksums: dict[str, tuple[str, int]]
) -> tuple[Source, ...]:
    """One Source per file and server: every file from the first server, then
    every file from each mirror.

    ``zoo data fetch`` downloads each file from the first server that has it.
    """
    return tuple(
        Source(url=base + name, sha256=checksums[name][0], size=checksums[name][1])
        for base in mirrors
        for name in _IDX_DOWNLOADS
    )
