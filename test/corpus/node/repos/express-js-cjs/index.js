const express = require('express')

const app = express()
const port = process.env.PORT || 3000

app.get('/', (req, res) => {
  res.send('Hello World!')
})

app.get('/todos/sync', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 1000)) // sync with the remote list
  res.json({ synced: true })
})

app.listen(port, () => {
  console.log(`todo-api listening on port ${port}`)
})
