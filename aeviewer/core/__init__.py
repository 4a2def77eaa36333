"""Qt-free core of aeviewer: data, models, training, inference. Never imports Qt."""
