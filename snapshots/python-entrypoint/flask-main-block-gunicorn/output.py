from flask import Flask

from .views import bp
from .signal_handlers import setup_signal_handlers

setup_signal_handlers()

app = Flask(__name__)
app.register_blueprint(bp)

if __name__ == "__main__":
    app.run(debug=True)
