"""Hooks of the RNN plugin: character and music models, their datasets and tasks.

This module only declares specs; torch and the model code load when a model is
built or a dataset loaded, so listing the registry stays fast.
"""

from __future__ import annotations

from collections.abc import Callable

from zoo_core import hookimpl
from zoo_core.specs import DatasetSpec, ModelSpec, Param, Source, TaskSpec

TEXT_TASK = "text-generation"
MUSIC_TASK = "music-generation"

_CHAR_RNN_PAPER = (
    "Karpathy, 'The Unreasonable Effectiveness of Recurrent Neural Networks' "
    "(2015), char-rnn; Elman, 'Finding Structure in Time' (1990)"
)
_LSTM_PAPER = "Hochreiter & Schmidhuber, 'Long Short-Term Memory' (1997)"
_GRU_PAPER = (
    "Cho et al., 'Learning Phrase Representations using RNN Encoder-Decoder' "
    "(2014); Chung et al., 'Empirical Evaluation of Gated Recurrent Neural "
    "Networks on Sequence Modeling' (2014)"
)


def _schedule_params(schedule: str, warmup_steps: int) -> tuple[Param, ...]:
    return (
        Param(
            "lr_schedule",
            schedule,
            "str",
            "learning-rate decay over the run: constant, cosine or linear",
            choices=("constant", "cosine", "linear"),
        ),
        Param(
            "warmup_steps",
            warmup_steps,
            "int",
            "steps of linear learning-rate warm-up",
            min=0,
        ),
        Param(
            "final_lr_ratio",
            0.05,
            "float",
            "learning rate at the end of the decay, as a share of lr",
            min=0.0,
            max=1.0,
        ),
    )


def _weight_dropout_param(default: float) -> Param:
    return Param(
        "weight_dropout",
        default,
        "float",
        "DropConnect rate on the recurrent (hidden-to-hidden) weights",
        min=0.0,
        max=0.95,
    )


def _average_param(default: float) -> Param:
    return Param(
        "average_decay",
        default,
        "float",
        "decay of the weight average used to score and sample (0: none)",
        min=0.0,
        max=0.99999,
    )


def _char_params(hidden_size: int, layers: int) -> tuple[Param, ...]:
    # The best of the configurations timed with rnn/char-lstm on Tiny Shakespeare
    # for ten minutes on two CPU cores (benchmarks/results/rnn.md): two members
    # beat one model trained for the whole time, larger or not, and the cache
    # lowers the NLL of the two further. The tanh and GRU models share them
    # untuned.
    return (
        Param("epochs", 10, "int", "passes over the training text", min=1),
        Param("batch_size", 32, "int", "lanes of text read side by side", min=1),
        Param("lr", 3e-3, "float", "peak learning rate of AdamW", min=0.0),
        Param("bptt", 64, "int", "characters back-propagated through", min=1),
        Param("hidden_size", hidden_size, "int", "units per recurrent layer", min=1),
        Param("layers", layers, "int", "recurrent layers stacked", min=1),
        Param("embedding_size", 64, "int", "width of character vectors", min=1),
        Param("dropout", 0.1, "float", "dropout rate", min=0.0, max=0.95),
        _weight_dropout_param(0.0),
        _average_param(0.0),
        Param(
            "members",
            2,
            "int",
            "models trained side by side whose predictions are averaged",
            min=1,
            max=16,
        ),
        Param(
            "cache_window",
            2000,
            "int",
            "characters of recent text the continuous cache recalls (0: no cache)",
            min=0,
        ),
        Param("weight_decay", 0.0, "float", "AdamW decoupled weight decay", min=0.0),
        Param("clip_norm", 1.0, "float", "gradient norm clip (0: off)", min=0.0),
        *_schedule_params("cosine", 100),
        Param(
            "max_minutes",
            0.0,
            "float",
            "wall-clock training budget shared evenly by the epochs (0: none)",
            min=0.0,
        ),
    )


def _music_params() -> tuple[Param, ...]:
    # Chosen on the JSB Chorales validation split (benchmarks/results/rnn.md). The
    # 229 training chorales are few: without DropConnect and the weight average the
    # models overfit within about 20 epochs; with them the best epoch comes near the
    # end of 40, which the run keeps.
    return (
        Param("epochs", 40, "int", "passes over the training pieces", min=1),
        Param("batch_size", 16, "int", "pieces per step", min=1),
        Param("lr", 2e-3, "float", "peak learning rate of AdamW", min=0.0),
        Param("hidden_size", 256, "int", "units per recurrent layer", min=1),
        Param("layers", 2, "int", "recurrent layers stacked", min=1),
        Param(
            "dropout",
            0.3,
            "float",
            "dropout between layers and before the read-out",
            min=0.0,
            max=0.95,
        ),
        Param(
            "input_dropout",
            0.0,
            "float",
            "dropout on the input keys (the notes of the step before)",
            min=0.0,
            max=0.95,
        ),
        _weight_dropout_param(0.5),
        _average_param(0.998),
        Param("weight_decay", 0.0, "float", "AdamW decoupled weight decay", min=0.0),
        Param("clip_norm", 5.0, "float", "gradient norm clip (0: off)", min=0.0),
        Param(
            "transpose",
            0,
            "int",
            "random transposition of training pieces, up to this many semitones",
            min=0,
            max=24,
        ),
        *_schedule_params("constant", 0),
    )


@hookimpl
def zoo_register_tasks(register: Callable[[TaskSpec], None]) -> None:
    register(
        TaskSpec(
            id=TEXT_TASK,
            summary="Character language modelling and sampling of text",
            procedure="zoo_rnn.text_task:TextGenerationProcedure",
            metrics=("nll",),
        )
    )
    register(
        TaskSpec(
            id=MUSIC_TASK,
            summary="Polyphonic piano-roll modelling (88 keys) and MIDI sampling",
            procedure="zoo_rnn.music_task:MusicGenerationProcedure",
            metrics=("nll",),
        )
    )


@hookimpl
def zoo_register_models(register: Callable[[ModelSpec], None]) -> None:
    text_data = ("tinyshakespeare", "text-file")
    register(
        ModelSpec(
            id="rnn/char-rnn",
            task=TEXT_TASK,
            summary="Character language model on a plain tanh recurrence",
            builder="zoo_rnn.builders:build_char_rnn",
            params=_char_params(384, 2),
            datasets=text_data,
            reference=_CHAR_RNN_PAPER,
        )
    )
    register(
        ModelSpec(
            id="rnn/char-lstm",
            task=TEXT_TASK,
            summary="Character language model on stacked LSTM layers",
            builder="zoo_rnn.builders:build_char_lstm",
            params=_char_params(384, 2),
            datasets=text_data,
            reference=_LSTM_PAPER,
        )
    )
    register(
        ModelSpec(
            id="rnn/char-gru",
            task=TEXT_TASK,
            summary="Character language model on stacked GRU layers",
            builder="zoo_rnn.builders:build_char_gru",
            params=_char_params(384, 2),
            datasets=text_data,
            reference=_GRU_PAPER,
        )
    )

    music_data = ("jsb-chorales", "midi-folder")
    register(
        ModelSpec(
            id="rnn/music-lstm",
            task=MUSIC_TASK,
            summary="Polyphonic music model: LSTM with one Bernoulli per piano key",
            builder="zoo_rnn.builders:build_music_lstm",
            params=_music_params(),
            datasets=music_data,
            reference=_LSTM_PAPER,
        )
    )
    register(
        ModelSpec(
            id="rnn/music-gru",
            task=MUSIC_TASK,
            summary="Polyphonic music model: GRU with one Bernoulli per piano key",
            builder="zoo_rnn.builders:build_music_gru",
            params=_music_params(),
            datasets=music_data,
            reference=_GRU_PAPER,
        )
    )


@hookimpl
def zoo_register_datasets(register: Callable[[DatasetSpec], None]) -> None:
    register(
        DatasetSpec(
            id="tinyshakespeare",
            task=TEXT_TASK,
            summary="Tiny Shakespeare, 1.1M characters; first 90% train, rest valid",
            loader="zoo_rnn.text_data:load_tinyshakespeare",
            directory="tinyshakespeare",
            files=("input.txt",),
            sources=(
                Source(
                    url=(
                        "https://raw.githubusercontent.com/karpathy/char-rnn/"
                        "master/data/tinyshakespeare/input.txt"
                    ),
                    sha256=(
                        "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"
                    ),
                    size=1_115_394,
                ),
            ),
            splits=("train", "valid"),
            license="Shakespeare's text is in the public domain",
            citation="Karpathy, char-rnn (2015), data/tinyshakespeare",
            homepage="https://github.com/karpathy/char-rnn",
        )
    )
    register(
        DatasetSpec(
            id="text-file",
            task=TEXT_TASK,
            summary="Your own text file; first 90% train, rest valid",
            loader="zoo_rnn.text_data:load_text_file",
            splits=("train", "valid"),
            params=(
                Param("path", None, "str", "the text file to learn from"),
                Param("encoding", "utf-8", "str", "the file's text encoding"),
                Param(
                    "valid_fraction",
                    0.1,
                    "float",
                    "share of characters, from the end, that validate",
                    min=0.001,
                    max=0.5,
                ),
            ),
        )
    )
    register(
        DatasetSpec(
            id="jsb-chorales",
            task=MUSIC_TASK,
            summary="382 Bach chorales as 88-key piano rolls, one step per quarter",
            loader="zoo_rnn.music_data:load_jsb_chorales",
            directory="jsb-chorales",
            files=("jsb_chorales.json",),
            sources=(
                Source(
                    url=(
                        "https://raw.githubusercontent.com/czhuang/JSB-Chorales-"
                        "dataset/9a7f733ddb4ed91f48da64ac7f0f621c34aadd4d/"
                        "jsb-chorales-quarter.json"
                    ),
                    sha256=(
                        "2db9329f1881a1d3f49703ec556bf1d6f84b4f6c1d702c156536e93cf31e1c91"
                    ),
                    size=407_200,
                    filename="jsb_chorales.json",
                ),
            ),
            splits=("train", "valid", "test"),
            license=(
                "Bach's music is in the public domain; the piano rolls carry no "
                "explicit license (research benchmark data)"
            ),
            citation=(
                "Boulanger-Lewandowski, Bengio & Vincent, 'Modeling Temporal "
                "Dependencies in High-Dimensional Sequences', ICML 2012"
            ),
            homepage="https://github.com/czhuang/JSB-Chorales-dataset",
        )
    )
    register(
        DatasetSpec(
            id="midi-folder",
            task=MUSIC_TASK,
            summary="Your own MIDI files, quantised to piano rolls, split by file",
            loader="zoo_rnn.music_data:load_midi_folder",
            splits=("train", "valid", "test"),
            params=(
                Param("path", None, "str", "folder searched for .mid/.midi files"),
                Param(
                    "steps_per_quarter", 4, "int", "grid steps per quarter note", min=1
                ),
                Param(
                    "valid_fraction",
                    0.1,
                    "float",
                    "share of files that validate",
                    min=0.0,
                    max=0.5,
                ),
                Param(
                    "test_fraction",
                    0.1,
                    "float",
                    "share of files that test",
                    min=0.0,
                    max=0.5,
                ),
                Param(
                    "max_steps",
                    256,
                    "int",
                    "longer pieces are cut into segments of this many steps (0: no)",
                    min=0,
                ),
            ),
        )
    )
