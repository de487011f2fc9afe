// The shop listens to what the widget tells it: ids and codes only, never what the customer typed.
const thanks = document.getElementById('thanks');
document.addEventListener('complaint:submitted', (event) => {
  thanks.textContent = `Thank you. We have your complaint ${event.detail.reference}; our team will be in touch.`;
  thanks.hidden = false;
});
document.addEventListener('complaint:step', (event) => console.info('complaint step', event.detail.step));
document.addEventListener('complaint:error', (event) => console.info('complaint widget error', event.detail.code));
