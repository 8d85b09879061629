console.log('removing expired carts');
