import { spawn, spawnSync } from 'node:child_process'
import {
  formatIdentity,
  identityOf,
  liveness,
  parseIdentity,
  selfIdentity
} from '../src/util/process-identity.js'

describe('process identity', () => {
  it('names this process as alive, round-tripping through its text form', () => {
    const me = selfIdentity()
    expect(me.pid).toBe(process.pid)
    expect(parseIdentity(formatIdentity(me))).toEqual(me)
    expect(liveness(me)).toBe('alive')
  })

  it('proves a process dead once it has exited', () => {
    const child = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' })
    const pid = Number(child.stdout.trim())
    const id = { ...selfIdentity(), pid }
    expect(liveness(id)).toBe('dead')
  })

  it('sees a reused pid: same pid, another start time, is dead', async () => {
    const child = spawn('sleep', ['30'])
    try {
      await new Promise((resolve) => child.once('spawn', resolve))
      const id = identityOf(child.pid!)!
      expect(liveness(id)).toBe('alive')
      expect(liveness({ ...id, startTime: String(Number(id.startTime) - 1) })).toBe('dead')
      expect(liveness({ ...id, bootId: 'another-boot' })).toBe('dead')
      expect(liveness({ ...id, host: 'another-host.invalid' })).toBe('unknown')
    } finally {
      child.kill('SIGKILL')
    }
  })

  it.each(['', '\n', '{"pid":12', '123\n', '{"pid":1,"startTime":"x","bootId":"b","host":"h"}'])(
    'holds no identity in %j',
    (text) => {
      expect(parseIdentity(text)).toBeUndefined()
    }
  )
})
