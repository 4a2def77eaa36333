"""Command line: ``aeviewer`` (the window) and ``aeviewer train|presets|info|...``.

Any error ends with exit code 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Sequence
from typing import Any, NoReturn

from aeviewer.data_args import load_data
from aeviewer.gui.dock_plan import SMALLEST_WINDOW  # plain numbers, no Qt
from aeviewer.runtime import configure_environment, configure_tensorflow, training_device

COMMANDS = ("train", "presets", "info", "lessons", "bench")
MIN_SIZE = SMALLEST_WINDOW  # --size: the smallest window the layout keeps whole


class CliError(Exception):
    """An error whose message is shown as is."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, not {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text}")
    return value


def _window_size(text: str) -> tuple[int, int]:
    """``"1280x720"`` as ``(1280, 720)``: a window size in logical pixels."""
    w, _, h = text.lower().partition("x")
    try:
        size = (int(w), int(h))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a size like 1280x720, not {text!r}") from None
    if not (MIN_SIZE[0] <= size[0] <= 16384 and MIN_SIZE[1] <= size[1] <= 16384):
        raise argparse.ArgumentTypeError(
            f"must be from {MIN_SIZE[0]}x{MIN_SIZE[1]} to 16384x16384, not {text}"
        )
    return size


def _int_list(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(t) for t in text.split(",") if t.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers like 100,30, not {text!r}") from None


def add_data_arguments(p: argparse.ArgumentParser) -> None:
    """``--dataset`` / ``--data`` / ``--classes`` / ``--max-samples`` / ``--image-size`` /
    ``--grey``, shared by GUI and train."""
    from aeviewer.core.datasets import DATASET_NAMES

    src = p.add_mutually_exclusive_group()
    src.add_argument(
        "--dataset",
        choices=DATASET_NAMES,
        default=None,
        help="built-in data set (default: mnist_test, the MNIST test set bundled for offline use)",
    )
    src.add_argument(
        "--data",
        metavar="PATH",
        help="a .npz, an IDX file or folder, or a folder of PNG/JPEG class folders"
        " (grey or colour, 8 to 128 pixels a side)",
    )
    p.add_argument("--classes", metavar="LIST", help="keep only these labels, e.g. 1,5,6")
    p.add_argument(
        "--max-samples", type=_positive_int, metavar="N", help="use at most N training samples"
    )
    p.add_argument(
        "--image-size",
        type=_positive_int,
        metavar="N",
        help="resize every image to NxN pixels (8 to 128): for photos of mixed or large sizes",
    )
    p.add_argument(
        "--grey",
        "--gray",
        action="store_true",
        help="convert colour images to grey: a smaller model that trains faster",
    )


def add_model_arguments(p: argparse.ArgumentParser) -> None:
    from aeviewer.core.models import PRESETS
    from aeviewer.core.models.options import (
        ACTIVATIONS,
        LOSSES,
        NOISES,
        OPTIMIZERS,
        OUTPUT_ACTIVATIONS,
        SPARSITIES,
    )

    p.add_argument("--model", choices=list(PRESETS), default=None, help="model preset")
    p.add_argument("--latent-dim", type=_positive_int, metavar="N")
    p.add_argument("--hidden", type=_int_list, metavar="LIST", help="hidden sizes, e.g. 500,300")
    p.add_argument("--activation", choices=ACTIVATIONS, help="hidden layers' activation")
    p.add_argument("--coding-activation", choices=ACTIVATIONS, help="the coding layer's activation")
    p.add_argument(
        "--output-activation",
        choices=OUTPUT_ACTIVATIONS,
        help="the reconstruction's activation (linear needs --loss mse)",
    )
    p.add_argument(
        "--filters", type=_int_list, metavar="LIST", help="conv: filters per level, e.g. 16,32"
    )
    p.add_argument("--loss", choices=LOSSES)
    p.add_argument("--optimizer", choices=OPTIMIZERS)
    p.add_argument("--lr", type=_positive_float, metavar="X", help="learning rate")
    p.add_argument("--batch-size", type=_positive_int, metavar="N")
    p.add_argument("--noise", choices=NOISES, help="denoising: corrupt inputs while training")
    p.add_argument("--noise-std", type=float, metavar="X")
    p.add_argument("--dropout-rate", type=float, metavar="X")
    p.add_argument(
        "--sparsity",
        choices=SPARSITIES,
        help="penalty on the codes: kl (toward --sparsity-target, sigmoid codes) or l1",
    )
    p.add_argument("--sparsity-weight", type=float, metavar="X")
    p.add_argument("--sparsity-target", type=float, metavar="X")
    p.add_argument("--beta", type=float, metavar="X", help="VAE: weight of the KL term")


def model_options(args: argparse.Namespace) -> Any:
    """The preset's defaults with the options given on the command line."""
    from aeviewer.core.models import get_preset

    preset = get_preset(args.model or "stacked")
    _check_knobs_fit(args, preset)
    options = preset.defaults.updated(
        latent_dim=args.latent_dim,
        hidden=args.hidden,
        activation=args.activation,
        coding_activation=args.coding_activation,
        output_activation=args.output_activation,
        filters=args.filters,
        sparsity=args.sparsity,
        loss=args.loss,
        optimizer=args.optimizer,
        learning_rate=args.lr,
        batch_size=args.batch_size,
        noise=args.noise,
        noise_std=args.noise_std,
        dropout_rate=args.dropout_rate,
        sparsity_weight=args.sparsity_weight,
        sparsity_target=args.sparsity_target,
        beta=args.beta,
    ).validate()
    if options.sparsity == "kl" and options.coding_activation != "sigmoid":
        # KL toward a target firing rate only means something for codes in (0, 1).
        raise CliError(
            f"--sparsity kl needs sigmoid codes, not {options.coding_activation}; "
            "add --coding-activation sigmoid or use --sparsity l1"
        )
    return options


def _check_knobs_fit(args: argparse.Namespace, preset: Any) -> None:
    """Refuse a knob the chosen preset would silently ignore (the lecturer expects an effect)."""
    name = preset.name
    if args.filters is not None and not preset.convolutional:
        raise CliError(f"--filters sets a conv preset's filters; {name} has no convolutions")
    if args.filters is not None and not args.filters:
        raise CliError("--filters needs at least one number, e.g. 16,32")
    if preset.variational:
        knobs = (("--sparsity", args.sparsity), ("--coding-activation", args.coding_activation))
        for flag, value in knobs:
            if value is not None and value != "none":
                raise CliError(f"{flag}: {name}'s codes are Gaussian samples, not a layer")


# -- commands ---------------------------------------------------------------------------
def cmd_presets(_: argparse.Namespace) -> int:
    from aeviewer.core.models import PRESETS

    width = max(len(n) for n in PRESETS)
    for p in PRESETS.values():
        print(f"{p.name:<{width}}  {p.title}: {p.summary}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    configure_tensorflow()
    from aeviewer.core.persistence import describe, open_model_files

    files = [args.file, *([args.decoder_file] if args.decoder_file else [])]
    print("\n".join(describe(open_model_files(files, split_at=args.split_at))))
    print(f"training device: {training_device()}")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    configure_tensorflow()
    from aeviewer.core.models import evaluate_reconstruction
    from aeviewer.core.persistence import save_model
    from aeviewer.core.training import Trainer, TrainingConfig
    from aeviewer.progress import ProgressListener

    if not args.out.endswith(".keras"):
        raise CliError(f"--out {args.out}: model files must end in .keras")
    files = tuple(args.model_file or ())
    if files:
        _check_model_file_knobs(args)
    elif args.split_at is not None:
        raise CliError("--split-at says where to cut a --model-file; give one")
    options = None if files else model_options(args)
    dataset = load_data(args, seed=args.seed)
    found = note = ""
    if files:  # found here too, so that a file or data that cannot work stops before training
        options, found, note = _user_model_options(args, files, dataset)
    config = TrainingConfig(
        preset=args.model or "stacked",
        options=options,
        epochs=args.epochs,
        seed=args.seed,
        greedy=args.greedy,
        pretrain_epochs=args.pretrain_epochs,
        model_files=files,
        split_at=args.split_at,
    )
    name = "custom" if files else config.preset
    # With --json, stdout carries only the final JSON line; the progress bar goes to stderr.
    out = sys.stderr if args.json else sys.stdout
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out):
        print(
            f"Training {found or config.preset} on {dataset.name}: {dataset.n_train} train, "
            f"{dataset.n_val} validation samples ({dataset.source})"
        )
        if dataset.note:
            print(f"  {dataset.note}")
        if note:
            print(f"  {note}")
        trainer = Trainer(dataset, config, ProgressListener())
        report = trainer.run()
    seconds = time.perf_counter() - t0
    if report.reason in ("error", "nan"):
        raise CliError(report.message)
    assert trainer.ae is not None
    quality = evaluate_reconstruction(trainer.ae, dataset.x_val)
    save_model(
        trainer.ae,
        args.out,
        history=trainer.history,
        info={"dataset": f"{dataset.name}: {dataset.source}", "seed": args.seed},
    )
    hist = trainer.history
    samples = dataset.n_train * max(trainer.epochs_done, 1)
    result = {
        "model": name,
        "dataset": dataset.name,
        "epochs": trainer.epochs_done,
        "train_loss": hist["loss"][-1] if hist.get("loss") else None,
        "val_loss": hist["val_loss"][-1] if hist.get("val_loss") else None,
        "val_bce": quality["bce"],
        "val_mse": quality["mse"],
        "seconds": round(seconds, 3),
        "samples_per_s": round(samples / seconds, 1),
        "device": training_device(),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"Saved {args.out}: val_loss {result['val_loss']:.4f}, val_bce {quality['bce']:.4f}, "
            f"val_mse {quality['mse']:.4f} ({seconds:.1f} s)"
        )
    return 0


#: Options that shape a preset: a model file has its own layers, so they cannot apply to it.
PRESET_KNOBS = (
    "model",
    "latent_dim",
    "hidden",
    "activation",
    "coding_activation",
    "output_activation",
    "filters",
    "noise",
    "noise_std",
    "dropout_rate",
    "sparsity",
    "sparsity_weight",
    "sparsity_target",
    "beta",
)


def _check_model_file_knobs(args: argparse.Namespace) -> None:
    """Refuse preset options beside --model-file (only how it trains can change)."""
    if len(args.model_file) > 2:
        raise CliError("--model-file takes one file, or an encoder file and a decoder file")
    given = [k for k in PRESET_KNOBS if getattr(args, k, None) is not None]
    if given or args.greedy:
        flag = "--" + (given[0] if given else "greedy").replace("_", "-")
        raise CliError(
            f"{flag} shapes a preset; a --model-file has its own layers (--loss, --optimizer,"
            " --lr and --batch-size say how it trains)"
        )


def _user_model_options(
    args: argparse.Namespace, files: tuple[str, ...], dataset: Any
) -> tuple[Any, str, str]:
    """How the user's model trains (the file's choices, with the ones given here), and what
    was found in it, in words; one-line errors for a file or data that cannot work."""
    from aeviewer.core.user_models import open_user_model

    user = open_user_model(files, split_at=args.split_at)
    user.check(dataset.input_shape, dataset.name)
    options = user.training_options(
        user.options.updated(
            loss=args.loss,
            optimizer=args.optimizer,
            learning_rate=args.lr,
            batch_size=args.batch_size,
        )
    )
    note = user.training_note if options == user.options else "with the options given"
    return options, f"your model {user.name} ({user.layout})", note


def cmd_gui(args: argparse.Namespace) -> int:
    from aeviewer.app import run_gui

    return run_gui(args)


# -- parsers ----------------------------------------------------------------------------
def gui_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="aeviewer",
        description="Watch autoencoders learn. Commands: "
        + ", ".join(COMMANDS)
        + " (aeviewer COMMAND --help).",
    )
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="open a model (.keras or .h5; or an encoder file and a decoder file) or a "
        "session (.aevsession)",
    )
    p.add_argument(
        "--split-at",
        metavar="LAYER",
        help="with a model FILE: the layer its encoder ends with, when the bottleneck is unclear",
    )
    add_data_arguments(p)
    from aeviewer.core.models import PRESETS

    p.add_argument("--model", choices=list(PRESETS), default=None, help="model preset")
    p.add_argument("--latent-dim", type=_positive_int, metavar="N")
    p.add_argument("--epochs", type=_positive_int, default=None, metavar="N")
    p.add_argument("--lesson", metavar="NAME", help="open a lesson (aeviewer lessons lists them)")
    p.add_argument("--autostart", action="store_true", help="start training at once")
    p.add_argument(
        "--quit-after-epochs",
        type=_positive_int,
        metavar="N",
        help="quit after N epochs (with --screenshot: for docs and smoke tests)",
    )
    p.add_argument("--screenshot", metavar="FILE.png", help="save a screenshot before quitting")
    p.add_argument(
        "--size",
        type=_window_size,
        metavar="WxH",
        help="window size in logical pixels, e.g. 1280x720, with a fresh layout "
        "(screenshots default to 1920x1080)",
    )
    p.add_argument("--theme", choices=("dark", "light"), default=None)
    p.add_argument("--presenter", action="store_true", help="start in presenter mode (F11)")
    p.add_argument("--no-restore", action="store_true", help="ignore the saved window layout")
    return p


def train_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="aeviewer train",
        description="Train a preset headless and save it, or fine-tune your own Keras "
        "autoencoder (--model-file): the command line is a second way in beside the window.",
    )
    add_data_arguments(p)
    add_model_arguments(p)
    p.add_argument(
        "--model-file",
        nargs="+",
        metavar="FILE",
        help="fine-tune your own model: a .keras or .h5 autoencoder, or an encoder file and a "
        "decoder file (aeviewer info FILE shows what it finds)",
    )
    _add_split_at(p)
    p.add_argument("--epochs", type=_positive_int, default=10, metavar="N")
    p.add_argument("--seed", type=int, default=0, metavar="N")
    p.add_argument(
        "--greedy",
        action="store_true",
        help="greedy layer-wise pretraining first (dense untied presets)",
    )
    p.add_argument(
        "--pretrain-epochs",
        type=_positive_int,
        default=1,
        metavar="N",
        help="epochs per greedy stage",
    )
    p.add_argument("--out", required=True, metavar="FILE.keras")
    p.add_argument("--json", action="store_true", help="end with one JSON line of results")
    return p


def info_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="aeviewer info",
        description="Describe a model: one aeviewer saved, or your own Keras autoencoder "
        "(.keras or .h5; or an encoder file and a decoder file): the layout found, input and "
        "code shapes, parameters and how it would fine-tune.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("decoder_file", nargs="?", metavar="DECODER_FILE")
    _add_split_at(p)
    return p


def _add_split_at(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--split-at",
        metavar="LAYER_NAME",
        help="your model's encoder ends with this layer (when its bottleneck is not clear)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    configure_environment()
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in COMMANDS else "gui"
    rest = argv[1:] if command != "gui" else argv
    try:
        if command == "train":
            return cmd_train(train_parser().parse_args(rest))
        if command == "presets":
            _Parser(prog="aeviewer presets", description="List the model presets.").parse_args(rest)
            return cmd_presets(argparse.Namespace())
        if command == "info":
            return cmd_info(info_parser().parse_args(rest))
        if command == "lessons":
            from aeviewer.lessons_cli import cmd_lessons

            return cmd_lessons(rest)
        if command == "bench":
            from aeviewer.bench import main as bench_main

            return bench_main(rest)
        return cmd_gui(gui_parser().parse_args(rest))
    except SystemExit as exc:  # argparse's --help (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else 2
    except KeyboardInterrupt:
        print("aeviewer: interrupted", file=sys.stderr)
        return 2
    except Exception as exc:  # one line, never a traceback
        print(f"aeviewer: error: {one_line(exc)}", file=sys.stderr)
        return 2


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message, with its type when it says nothing else."""
    from aeviewer.core.datasets import DatasetError
    from aeviewer.core.errors import first_line, typed_first_line
    from aeviewer.core.models import OptionsError
    from aeviewer.core.persistence import ModelFileError

    if isinstance(exc, (CliError, DatasetError, OptionsError, ModelFileError, ValueError)):
        return first_line(exc, limit=None)
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or first_line(exc, limit=None)}"
    return typed_first_line(exc, limit=None)
