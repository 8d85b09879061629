from config.celery_app import app


@app.task()
def send_receipt(order_id):
    return order_id
