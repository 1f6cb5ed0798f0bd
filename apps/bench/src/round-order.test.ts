import { describe, expect, it } from 'vitest';
import { rotatedOrder } from './round-order.js';

describe('rotatedOrder', () => {
  const systems = ['etcd', 'f1', 'f12'];

  it('starts round r with system r mod k', () => {
    expect(rotatedOrder(systems, 0)).toEqual(['etcd', 'f1', 'f12']);
    expect(rotatedOrder(systems, 1)).toEqual(['f1', 'f12', 'etcd']);
    expect(rotatedOrder(systems, 2)).toEqual(['f12', 'etcd', 'f1']);
    expect(rotatedOrder(systems, 4)).toEqual(['f1', 'f12', 'etcd']);
  });

  it('puts every system first and last equally often over k rounds', () => {
    const orders = [0, 1, 2].map((round) => rotatedOrder(systems, round));
    expect(new Set(orders.map((order) => order[0]))).toEqual(new Set(systems));
    expect(new Set(orders.map((order) => order.at(-1)))).toEqual(new Set(systems));
  });

  it('handles no systems and refuses a bad round', () => {
    expect(rotatedOrder([], 3)).toEqual([]);
    expect(() => rotatedOrder(systems, -1)).toThrow(/round must be/);
    expect(() => rotatedOrder(systems, 1.5)).toThrow(/round must be/);
  });
});
