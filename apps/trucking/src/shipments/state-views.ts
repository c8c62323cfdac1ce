import { assertNever, stateView } from 'eventfold';
import { evolveShipment, type ShipmentEvent, type ShipmentState, shipmentTag, truckTag } from './events.js';

/** One shipment, from the events tagged with it: null until it is submitted. */
export const shipment = stateView({
  query: (shipmentId: string) => ({ tags: [shipmentTag(shipmentId)] }),
  initialState: (): ShipmentState | null => null,
  evolve: (state: ShipmentState | null, event: ShipmentEvent) => evolveShipment(state, event),
});

/** `occupant` freed of `shipmentId`: a truck is freed only if it still carries that shipment. */
const release = (occupant: string | null, shipmentId: string): string | null =>
  occupant === shipmentId ? null : occupant;

/**
 * The shipment a truck carries (null when free), from the events tagged with the truck. A truck is
 * occupied from its assignment until that shipment is delivered or moved to another truck; an
 * event about a shipment the truck no longer carries leaves it as it is.
 */
export const truckOccupancy = stateView({
  query: (truckId: string) => ({ tags: [truckTag(truckId)] }),
  initialState: (): string | null => null,
  evolve: (occupant: string | null, event: ShipmentEvent, truckId: string): string | null => {
    switch (event.type) {
      case 'TruckAssigned':
        if (event.data.truckId === truckId) return event.data.shipmentId;
        return event.data.previousTruckId === truckId ? release(occupant, event.data.shipmentId) : occupant;
      case 'ShipmentDelivered':
        return event.data.truckId === truckId ? release(occupant, event.data.shipmentId) : occupant;
      case 'ShipmentSubmitted':
      case 'ShipmentShipped':
        return occupant;
      default:
        return assertNever(event);
    }
  },
});
