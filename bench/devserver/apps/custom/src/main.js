document.querySelector('#app').textContent = 'hello from vite';
