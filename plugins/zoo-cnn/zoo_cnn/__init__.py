"""Convolutional image classifiers for the zoo: LeNet-5 and ResNet-20, with the
optdigits (bundled), MNIST, Fashion-MNIST, CIFAR-10 and image-folder datasets.

The package is found through its ``zoo`` entry point (``cnn = "zoo_cnn.plugin"``);
nothing needs importing from here.
"""

__version__ = "0.1.0"
