// The demo page: three chats with the bot, played through the sandbox's control API.
// Each pane long-polls its chat's event log and renders messages, edits, inline buttons and
// reply keyboards as Telegram would. Plain JavaScript, no build step, no network beyond this
// page's own server.
"use strict";

const POLL_WAIT = 25;
let bootId = null;

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({ok: false, error: response.statusText}));
  if (!data.ok) throw new Error(data.error || response.statusText);
  return data.result;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function setStatus(ok, text) {
  const status = document.getElementById("status");
  status.textContent = ok ? "connected" : `disconnected: ${text} (is fieldbot demo running?)`;
  status.className = `status ${ok ? "ok" : "down"}`;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function clock(seconds) {
  const date = new Date(seconds * 1000);
  return date.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
}

class Pane {
  constructor(config, languages) {
    this.config = config;
    this.language = config.language;
    this.after = 0;
    this.bubbles = new Map();  // message_id -> .msg element
    this.oneTimeKeyboard = false;
    const template = document.getElementById("pane-template");
    this.root = template.content.firstElementChild.cloneNode(true);
    this.root.dataset.key = config.key;
    this.log = this.root.querySelector(".log");
    this.keyboard = this.root.querySelector(".keyboard");
    this.input = this.root.querySelector(".text");
    this.toastBox = this.root.querySelector(".toast");
    this.root.querySelector(".title").textContent = config.title;
    this.root.querySelector(".subtitle").textContent = config.subtitle;
    this.root.querySelector(".avatar").textContent = config.title.slice(0, 1);
    this.buildLanguages(languages);
    this.buildChips();
    this.buildComposer();
  }

  // -- what the person does -----------------------------------------------------------------

  who() {
    return {first_name: this.config.first_name, language_code: this.language};
  }

  async act(path, body) {
    try {
      return await api(path, {...this.who(), ...body});
    } catch (error) {
      this.toast(`Could not send: ${error.message}`);
      return null;
    }
  }

  sendText(text) {
    const user = this.config.user_id;
    return this.act(`/sandbox/users/${user}/text`, {text, chat_id: this.config.chat_id});
  }

  press(messageId, data) {
    const user = this.config.user_id;
    return this.act(`/sandbox/users/${user}/press`, {
      chat_id: this.config.chat_id, message_id: messageId, data,
    });
  }

  shareContact() {
    return this.act(`/sandbox/users/${this.config.user_id}/contact`, {phone: this.config.phone});
  }

  shareLocation() {
    const [latitude, longitude] = this.config.location;
    return this.act(`/sandbox/users/${this.config.user_id}/location`, {latitude, longitude});
  }

  sendPhoto(caption) {
    return this.act(`/demo/panes/${this.config.key}/photo`, {caption});
  }

  async switchLanguage(code) {
    const select = this.root.querySelector(".language");
    select.disabled = true;
    try {
      await api(`/demo/panes/${this.config.key}/language`, {language: code});
      this.language = code;
    } catch (error) {
      this.toast(`Language not changed: ${error.message}`);
      select.value = this.language;
    } finally {
      select.disabled = false;
    }
  }

  // -- building the pane ----------------------------------------------------------------------

  buildLanguages(languages) {
    const select = this.root.querySelector(".language");
    for (const language of languages) {
      const option = element("option", "", language.name);
      option.value = language.code;
      select.append(option);
    }
    select.value = this.language;
    select.addEventListener("change", () => this.switchLanguage(select.value));
  }

  buildChips() {
    const chips = this.root.querySelector(".chips");
    for (const command of this.config.commands) {
      const chip = element("button", "", command);
      chip.type = "button";
      chip.addEventListener("click", () => this.sendText(command));
      chips.append(chip);
    }
  }

  buildComposer() {
    const form = this.root.querySelector(".composer");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = "";
      this.sendText(text);
    });
    const contact = this.root.querySelector(".contact");
    const location = this.root.querySelector(".location");
    // Contacts and locations are shared in private chats, as in Telegram's own client.
    contact.hidden = this.config.group || !this.config.phone;
    location.hidden = this.config.group || !this.config.location;
    contact.addEventListener("click", () => this.shareContact());
    location.addEventListener("click", () => this.shareLocation());
    this.root.querySelector(".photo").addEventListener("click", () => {
      const caption = this.input.value.trim();
      this.input.value = "";
      this.sendPhoto(caption);
    });
  }

  toast(text, alert = false) {
    const box = this.toastBox;
    box.replaceChildren(element("div", "", text));
    box.hidden = false;
    clearTimeout(this.toastTimer);
    if (alert) {
      const ok = element("button", "", "OK");
      ok.type = "button";
      ok.addEventListener("click", () => { box.hidden = true; });
      box.append(ok);
    } else {
      this.toastTimer = setTimeout(() => { box.hidden = true; }, 2500);
    }
  }

  // -- what the chat shows --------------------------------------------------------------------

  async poll() {
    const chat = this.config.chat_id;
    for (;;) {
      try {
        const result = await api(
          `/sandbox/chats/${chat}/messages?after=${this.after}&wait=${POLL_WAIT}`);
        result.events.forEach((event) => this.apply(event));
        this.after = result.last_seq;
        setStatus(true);
      } catch (error) {
        setStatus(false, error.message);
        await sleep(1500);
        await reloadIfRestarted();
      }
    }
  }

  apply(event) {
    if (event.kind === "answer") {
      const answer = event.answer;
      if (answer.text) this.toast(answer.text, answer.show_alert);
      return;
    }
    const message = event.message;
    if (!message) return;
    const existing = this.bubbles.get(message.message_id);
    if (event.kind === "delete" || message.deleted) {
      if (existing) existing.remove();
      this.bubbles.delete(message.message_id);
      return;
    }
    const rendered = this.render(message, event.kind === "edit");
    if (existing) {
      existing.replaceWith(rendered);
      rendered.querySelector(".bubble").classList.add("flash");
    } else {
      this.log.append(rendered);
    }
    this.bubbles.set(message.message_id, rendered);
    if (event.kind === "message" && message.from_bot) this.updateKeyboard(message.reply_markup);
    this.log.scrollTop = this.log.scrollHeight;
  }

  render(message, edited) {
    const mine = !message.from_bot && message.from && message.from.id === this.config.user_id;
    const wrapper = element("div", `msg ${message.from_bot ? "bot" : "user"}`);
    wrapper.dataset.messageId = message.message_id;
    const bubble = element("div", "bubble");
    if (this.config.group && !mine) {
      const name = message.from_bot ? "fieldbot" : (message.from || {}).first_name;
      bubble.append(element("span", "sender", name || ""));
    }
    if (message.photo && message.photo.length) {
      const largest = message.photo[message.photo.length - 1];
      const image = element("img");
      image.alt = "photo";
      image.src = `/demo/files/${encodeURIComponent(largest.file_id)}`;
      image.addEventListener("error", () => image.replaceWith(element("span", "", "📷 Photo")));
      bubble.append(image);
    }
    if (message.document) {
      const link = element("a", "", `📄 ${message.document.file_name || "file"}`);
      link.href = `/demo/files/${encodeURIComponent(message.document.file_id)}`;
      link.download = message.document.file_name || "file";
      bubble.append(link, document.createElement("br"));
    }
    if (message.contact) {
      bubble.append(element("span", "", `📱 ${message.contact.phone_number}`));
    }
    if (message.location) {
      const {latitude, longitude} = message.location;
      bubble.append(element("span", "", `📍 ${latitude.toFixed(4)}, ${longitude.toFixed(4)}`));
    }
    const text = message.text !== undefined ? message.text : message.caption;
    if (text) bubble.append(element("span", "text", text));
    const meta = edited || message.edit_date ? `edited ${clock(message.date)}` : clock(message.date);
    bubble.append(element("span", "meta", meta));
    wrapper.append(bubble);
    const markup = message.reply_markup;
    if (markup && markup.inline_keyboard) wrapper.append(this.inlineKeyboard(message, markup));
    return wrapper;
  }

  inlineKeyboard(message, markup) {
    const box = element("div", "inline");
    for (const row of markup.inline_keyboard) {
      const line = element("div", "row");
      for (const button of row) {
        if (button.url) {
          const link = element("a", "", button.text);
          link.href = button.url;
          link.target = "_blank";
          line.append(link);
          continue;
        }
        const node = element("button", "", button.text);
        node.type = "button";
        node.addEventListener("click", () => this.press(message.message_id, button.callback_data));
        line.append(node);
      }
      box.append(line);
    }
    return box;
  }

  updateKeyboard(markup) {
    if (!markup) return;
    if (markup.remove_keyboard) {
      this.showKeyboard(null);
    } else if (markup.keyboard) {
      this.oneTimeKeyboard = Boolean(markup.one_time_keyboard);
      this.showKeyboard(markup.keyboard);
    }
  }

  showKeyboard(rows) {
    this.keyboard.replaceChildren();
    this.keyboard.hidden = !rows;
    if (!rows) return;
    for (const row of rows) {
      const line = element("div", "row");
      for (const key of row) {
        const button = typeof key === "string" ? {text: key} : key;
        const node = element("button", "", button.text);
        node.type = "button";
        node.addEventListener("click", () => this.keyPressed(button));
        line.append(node);
      }
      this.keyboard.append(line);
    }
  }

  keyPressed(button) {
    if (button.request_contact) this.shareContact();
    else if (button.request_location) this.shareLocation();
    else this.sendText(button.text);
    if (this.oneTimeKeyboard) this.showKeyboard(null);
  }
}

async function reloadIfRestarted() {
  try {
    const config = await api("/demo/config");
    if (bootId !== null && config.boot !== bootId) window.location.reload();
  } catch (error) {
    // still down; the next poll tries again
  }
}

async function main() {
  const config = await api("/demo/config");
  bootId = config.boot;
  setStatus(true);
  const container = document.getElementById("panes");
  const panes = config.panes.map((pane) => new Pane(pane, config.languages));
  panes.forEach((pane) => container.append(pane.root));
  panes.forEach((pane) => pane.poll());
}

main().catch((error) => setStatus(false, error.message));
