const path = require('node:path');

module.exports = {
  mode: 'development',
  entry: './src/index.js',
  output: { path: path.resolve(__dirname, 'dist'), filename: 'main.js', publicPath: '/' },
  devServer: {
    hot: true,
    host: '127.0.0.1',
    port: Number(process.env.PORT ?? 8080),
    static: { directory: path.resolve(__dirname, 'public') },
  },
};
