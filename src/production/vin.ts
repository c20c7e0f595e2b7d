// Vehicle identification numbers (ISO 3779): 17 characters of A-Z and 0-9 without I, O and Q;
// the ninth is a check character, as China's GB 16735 and North America's 49 CFR 565 compute it:
// each character's value (digits as themselves, letters by the table below) times its position's
// weight, summed, modulo 11, with 10 written X.

const VIN = /^[A-HJ-NPR-Z0-9]{17}$/;
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
/** Letter values: A-H 1-8, J-N 1-5, P 7, R 9, S-Z 2-9. */
const LETTERS: Record<string, number> = { A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1,
  K: 2, L: 3, M: 4, N: 5, P: 7, R: 9, S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9 };

/** The check character (position 9) the other sixteen characters call for. */
export function vinCheckCharacter(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = vin[i]!;
    const v = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : LETTERS[c] ?? 0;
    sum += v * WEIGHTS[i]!;
  }
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

/** Whether `vin` is 17 allowed characters with the right check character. */
export function isValidVin(vin: string): boolean {
  return VIN.test(vin) && vin[8] === vinCheckCharacter(vin);
}

/**
 * Why `vin` is not valid, in words a person can act on, or null when it is: a VIN of the
 * right shape whose check character is wrong names the one expected (ISO 3779).
 */
export function vinProblem(vin: string): string | null {
  if (!VIN.test(vin)) {
    return 'a VIN is 17 characters A-Z and 0-9 without I, O and Q';
  }
  const expected = vinCheckCharacter(vin);
  return vin[8] === expected ? null : `its check character (the ninth, ISO 3779) is "${
    vin[8]}" where the other sixteen call for "${expected}": check the VIN as read`;
}

/** A VIN with its check character filled in (for tests and the simulator). */
export function withCheckCharacter(vin17: string): string {
  return vin17.slice(0, 8) + vinCheckCharacter(vin17) + vin17.slice(9);
}
