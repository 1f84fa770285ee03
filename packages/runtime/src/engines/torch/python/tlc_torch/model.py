"""Loading a generated model: its module from a file, its weights from safetensors."""
import importlib.util

from . import safetensors


def load_module(path):
    """The generated file's Model class."""
    spec = importlib.util.spec_from_file_location("tlc_generated_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Model


def build(path, weights=None):
    """A Model from the generated file at `path`, with the weights of a safetensors file."""
    model = load_module(path)()
    if weights is not None:
        load_weights(model, weights)
    return model


def load_weights(model, path):
    """Every state_dict entry from the file (strict: nothing missing, nothing left over)."""
    state = safetensors.load(path)
    own = model.state_dict()
    missing = sorted(set(own) - set(state))
    extra = sorted(set(state) - set(own))
    if missing or extra:
        raise ValueError(f"{path} does not fit the model: missing {missing[:5]}, unexpected {extra[:5]}")
    for name, value in state.items():
        if tuple(own[name].shape) != tuple(value.shape):
            raise ValueError(f"{path}: {name} has shape {tuple(value.shape)}, the model wants {tuple(own[name].shape)}")
    model.load_state_dict(state)
