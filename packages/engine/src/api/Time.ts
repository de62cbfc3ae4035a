/** Durations in milliseconds, spelled as in Flink (`Time.seconds(2)`, `Duration.ofMinutes(1)`). */
export const Time = {
  milliseconds: (n: number): number => n,
  seconds: (n: number): number => n * 1000,
  minutes: (n: number): number => n * 60_000,
  hours: (n: number): number => n * 3_600_000,
  days: (n: number): number => n * 86_400_000,
};

export const Duration = {
  ofMillis: Time.milliseconds,
  ofSeconds: Time.seconds,
  ofMinutes: Time.minutes,
  ofHours: Time.hours,
  ofDays: Time.days,
};
