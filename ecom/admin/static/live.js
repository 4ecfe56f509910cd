// The dashboard's live list of new orders: the back-office session connects to the shop's
// Socket.IO endpoint (docs/REALTIME.md) and each order.placed is added at the top.
"use strict";

(() => {
  const list = document.getElementById("live-orders");
  if (!list || !window.io) {
    return;
  }
  const socket = window.io({ transports: ["websocket"] });
  socket.on("event", (message) => {
    if (message.event !== "order.placed") {
      return;
    }
    const orderId = String(message.data.order_id);
    const link = document.createElement("a");
    link.href = list.dataset.orderUrl.replace("ORDER_ID", orderId);
    link.textContent = `Order #${orderId}: ${message.data.total}`;
    const item = document.createElement("li");
    item.dataset.orderId = orderId;
    item.append(link, ` (${new Date(message.occurred_at).toLocaleTimeString()})`);
    list.querySelector(".empty")?.remove();
    list.prepend(item);
  });
})();
