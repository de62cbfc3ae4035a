import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface LoginLimits {
  /** Failed logins allowed per user name, and per client address, within `windowSeconds`. */
  perUser: number;
  perAddress: number;
  windowSeconds: number;
}
export const LOGIN_LIMITS: LoginLimits = { perUser: 10, perAddress: 30, windowSeconds: 15 * 60 };

export type LoginAttempt = { ok: true } | { ok: false; retryAfterSeconds: number; message: string };

/**
 * Limits password guessing per user and per client address, as Jupyter's and Zeppelin's hardening guides advise. Each
 * attempt takes a point before the password is checked, so a burst of parallel guesses cannot all reach the (slow)
 * hash; a successful login gives its points back.
 */
export class LoginLimiter {
  private readonly byUser: RateLimiterMemory;
  private readonly byAddress: RateLimiterMemory;

  constructor(limits: LoginLimits = LOGIN_LIMITS) {
    this.byUser = new RateLimiterMemory({ keyPrefix: 'user', points: limits.perUser, duration: limits.windowSeconds });
    this.byAddress = new RateLimiterMemory({ keyPrefix: 'addr', points: limits.perAddress, duration: limits.windowSeconds });
  }

  async attempt(name: string, address: string): Promise<LoginAttempt> {
    // The user first: guesses at a locked user do not also use up the address's attempts (its other users' logins).
    try {
      await this.byUser.consume(userKey(name));
    } catch (e) {
      return refused(e, 'too many failed logins for this user');
    }
    try {
      await this.byAddress.consume(address);
    } catch (e) {
      return refused(e, 'too many failed logins from this address');
    }
    return { ok: true };
  }

  async succeeded(name: string, address: string): Promise<void> {
    await this.byUser.delete(userKey(name));
    await this.byAddress.reward(address, 1);
  }
}

const userKey = (name: string) => name.trim().toLowerCase().slice(0, 64);

function refused(e: unknown, why: string): LoginAttempt {
  if (!(e instanceof RateLimiterRes)) throw e;
  const retryAfterSeconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
  return { ok: false, retryAfterSeconds, message: `${why}: try again in ${retryAfterSeconds} s` };
}
