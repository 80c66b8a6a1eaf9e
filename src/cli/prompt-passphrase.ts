/** Reads a passphrase from the terminal without echoing it. */
export async function promptPassphrase(prompt: string): Promise<string> {
  const input = process.stdin
  const output = process.stderr
  // loaded only when a person is asked: every other run would pay ~3 ms for it at start-up
  const readline = process.getBuiltinModule('node:readline')
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input, terminal: true, output: undefined })
    const wasRaw = input.isTTY ? input.isRaw : false
    // echo goes off before the prompt shows, so nothing typed after it can appear
    if (input.isTTY) input.setRawMode(true)
    output.write(prompt)
    let answer = ''
    const finish = (error?: Error) => {
      input.off('keypress', onKey)
      if (input.isTTY) input.setRawMode(wasRaw)
      rl.close()
      output.write('\n')
      if (error) reject(error)
      else resolve(answer)
    }
    const onKey = (
      text: string | undefined,
      key: { name?: string; ctrl?: boolean } | undefined
    ) => {
      if (key?.ctrl && key.name === 'c') return finish(new Error('passphrase prompt cancelled'))
      if (key?.name === 'return' || key?.name === 'enter') return finish()
      if (key?.name === 'backspace') {
        answer = answer.slice(0, -1)
        return
      }
      if (text && !key?.ctrl) answer += text
    }
    readline.emitKeypressEvents(input, rl)
    input.on('keypress', onKey)
  })
}
