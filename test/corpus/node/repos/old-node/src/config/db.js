// Stands in for the database driver: connecting takes a moment, then resolves.
module.exports = {
  connect() {
    return new Promise((resolve) => setTimeout(resolve, 50));
  },
};
