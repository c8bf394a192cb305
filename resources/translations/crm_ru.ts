<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru" sourcelanguage="en">
<context>
    <name>AppointmentsModel</name>
    <message>
        <source>Date and time</source>
        <extracomment>``Qt.UserRole`` returns the row object.</extracomment>
        <translation>Дата и время</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Вид приёма</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>Оплата</translation>
    </message>
</context>
<context>
    <name>BackupWarning</name>
    <message>
        <source>No backup of the database yet</source>
        <translation>Резервных копий базы ещё нет</translation>
    </message>
    <message>
        <source>The last backup is {age} old</source>
        <translation>Последней резервной копии {age}</translation>
    </message>
    <message>
        <source>The clinic&apos;s service makes the backups (clinic-crm service run); the administrator sees them under «Backups».</source>
        <translation>Резервные копии делает служба клиники (clinic-crm service run); администратор видит их в разделе «Резервные копии».</translation>
    </message>
</context>
<context>
    <name>BackupsPage</name>
    <message>
        <source>{n} min</source>
        <translation>{n} мин</translation>
    </message>
    <message>
        <source>{n} h</source>
        <translation>{n} ч</translation>
    </message>
    <message>
        <source>{n} days</source>
        <translation>{n} дн.</translation>
    </message>
    <message>
        <source>{mb} MB</source>
        <translation>{mb} МБ</translation>
    </message>
    <message>
        <source>Backups</source>
        <translation>Резервные копии</translation>
    </message>
    <message>
        <source>Backups of the clinic&apos;s database</source>
        <translation>Резервные копии базы данных клиники</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>Расписание</translation>
    </message>
    <message>
        <source>Back up every day</source>
        <translation>Делать копию каждый день</translation>
    </message>
    <message>
        <source>Save the schedule</source>
        <translation>Сохранить расписание</translation>
    </message>
    <message>
        <source>Time (the clinic&apos;s):</source>
        <translation>Время (клиники):</translation>
    </message>
    <message>
        <source>Keep the last:</source>
        <translation>Хранить последние:</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>Папка:</translation>
    </message>
    <message>
        <source>The clinic&apos;s service makes the backups: &lt;code&gt;clinic-crm service run&lt;/code&gt; on the computer that holds the folder (the server), started by systemd or the Task Scheduler (see README). Older backups beyond the number to keep are deleted.</source>
        <translation>Копии делает служба клиники: &lt;code&gt;clinic-crm service run&lt;/code&gt; на компьютере, где находится папка (на сервере), запущенная через systemd или Планировщик заданий (см. README). Копии сверх числа хранимых удаляются, начиная со старых.</translation>
    </message>
    <message>
        <source>Last backups</source>
        <translation>Последние копии</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Начата</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Давность</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Результат</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Размер</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Файл</translation>
    </message>
    <message>
        <source>Computer</source>
        <translation>Компьютер</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>Сделать копию сейчас</translation>
    </message>
    <message>
        <source>The identity-document key</source>
        <translation>Ключ документов</translation>
    </message>
    <message>
        <source>Backups do not hold the key that passports and СНИЛС are encrypted with: without the key file they cannot be read. Save a copy of the key sealed with a passphrase (at least {n} characters), keep it apart from the backups, and the passphrase apart from both. &lt;code&gt;clinic-crm key import&lt;/code&gt; puts it back on a workstation.</source>
        <translation>В резервных копиях нет ключа, которым зашифрованы паспорта и СНИЛС: без файла ключа их не прочесть. Сохраните копию ключа, защищённую паролем (не короче {n} символов), храните её отдельно от резервных копий, а пароль — отдельно от обеих. &lt;code&gt;clinic-crm key import&lt;/code&gt; возвращает ключ на рабочее место.</translation>
    </message>
    <message>
        <source>Save the key with a passphrase…</source>
        <translation>Сохранить ключ с паролем…</translation>
    </message>
    <message>
        <source>Passphrase:</source>
        <translation>Пароль:</translation>
    </message>
    <message>
        <source>Again:</source>
        <translation>Ещё раз:</translation>
    </message>
    <message>
        <source>No backup has been made yet.</source>
        <translation>Резервных копий ещё не было.</translation>
    </message>
    <message>
        <source>The last good backup is {age} old.</source>
        <translation>Последней удачной копии {age}.</translation>
    </message>
    <message>
        <source>done</source>
        <translation>готово</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>ошибка</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>идёт</translation>
    </message>
    <message>
        <source>{file} (deleted as old)</source>
        <translation>{file} (удалена как старая)</translation>
    </message>
    <message>
        <source>The schedule is saved.</source>
        <translation>Расписание сохранено.</translation>
    </message>
    <message>
        <source>Making a backup…</source>
        <translation>Делается резервная копия…</translation>
    </message>
    <message>
        <source>Backup written: {path} ({size}).</source>
        <translation>Копия записана: {path} ({size}).</translation>
    </message>
    <message>
        <source>The backup failed: {why}</source>
        <translation>Копия не сделана: {why}</translation>
    </message>
    <message>
        <source>The two passphrases differ.</source>
        <translation>Пароли различаются.</translation>
    </message>
    <message>
        <source>Save the sealed key</source>
        <translation>Сохранить защищённый ключ</translation>
    </message>
    <message>
        <source>Sealed keys (*.sealed);;All files (*)</source>
        <translation>Защищённые ключи (*.sealed);;Все файлы (*)</translation>
    </message>
    <message>
        <source>The key is saved (fingerprint {fp}). Keep it apart from the backups; a lost passphrase cannot be recovered.</source>
        <translation>Ключ сохранён (отпечаток {fp}). Храните его отдельно от резервных копий; забытый пароль восстановить нельзя.</translation>
    </message>
</context>
<context>
    <name>BonusRulesTab</name>
    <message>
        <source>Bonus points</source>
        <translation>Бонусы</translation>
    </message>
    <message>
        <source>Points accrued, % of a paid visit</source>
        <translation>Начисление бонусов, % от оплаты визита</translation>
    </message>
    <message>
        <source>Largest share payable in points, %</source>
        <translation>Наибольшая доля оплаты бонусами, %</translation>
    </message>
    <message>
        <source>Points expire after, days</source>
        <translation>Срок действия бонусов, дней</translation>
    </message>
    <message>
        <source>One point is one rouble. Points are accrued on the money taken for a paid visit and written off when they expire (by the clinic&apos;s service).</source>
        <translation>Один бонус — один рубль. Бонусы начисляются с денег, полученных за платный прием, и списываются по истечении срока (это делает служба клиники).</translation>
    </message>
    <message>
        <source>Only a manager changes the bonus rules.</source>
        <translation>Правила бонусов меняет только менеджер.</translation>
    </message>
    <message>
        <source>The bonus rules are saved</source>
        <translation>Правила бонусов сохранены</translation>
    </message>
</context>
<context>
    <name>BonusTab</name>
    <message>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Что</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Бонусы</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Сгорают</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>+100 or -50</source>
        <translation>+100 или -50</translation>
    </message>
    <message>
        <source>Reason for the correction</source>
        <translation>Причина корректировки</translation>
    </message>
    <message>
        <source>Correct the points</source>
        <translation>Скорректировать</translation>
    </message>
    <message>
        <source>Correction:</source>
        <translation>Корректировка:</translation>
    </message>
    <message>
        <source>Balance: &lt;b&gt;{points}&lt;/b&gt; points</source>
        <translation>Баланс: &lt;b&gt;{points}&lt;/b&gt; бонусов</translation>
    </message>
    <message>
        <source>Points corrected: the balance is {points}</source>
        <translation>Бонусы скорректированы: баланс {points}</translation>
    </message>
</context>
<context>
    <name>BookingDialog</name>
    <message>
        <source>New appointment</source>
        <extracomment>Most alternatives offered as buttons.</extracomment>
        <translation>Новая запись</translation>
    </message>
    <message>
        <source>By referral (OMS)</source>
        <translation>По направлению (ОМС)</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>Платно</translation>
    </message>
    <message>
        <source>Follow-up visit</source>
        <translation>Повторный приём</translation>
    </message>
    <message>
        <source>Telemedicine</source>
        <translation>Телемедицина</translation>
    </message>
    <message>
        <source>Number as on the referral</source>
        <translation>Номер как на направлении</translation>
    </message>
    <message>
        <source>— choose the service —</source>
        <translation>— выберите услугу —</translation>
    </message>
    <message>
        <source>empty: made from the clinic&apos;s video provider</source>
        <translation>пусто — ссылку создаст видеосвязь клиники</translation>
    </message>
    <message>
        <source> × {minutes} min</source>
        <translation> × {minutes} мин</translation>
    </message>
    <message>
        <source>Kind of visit</source>
        <translation>Вид приёма</translation>
    </message>
    <message>
        <source>Referral №</source>
        <translation>№ направления</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Услуга</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Цена</translation>
    </message>
    <message>
        <source>Video link</source>
        <translation>Ссылка на видеосвязь</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Длительность</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Примечание</translation>
    </message>
    <message>
        <source>Book over the schedule</source>
        <translation>Записать сверх расписания</translation>
    </message>
    <message>
        <source>Reason for booking over the schedule</source>
        <translation>Причина записи сверх расписания</translation>
    </message>
    <message>
        <source>Record a past visit</source>
        <translation>Записать задним числом</translation>
    </message>
    <message>
        <source>Reason for recording in the past</source>
        <translation>Причина записи задним числом</translation>
    </message>
    <message>
        <source>Nearest free times:</source>
        <translation>Ближайшее свободное время:</translation>
    </message>
    <message>
        <source>Book and print ticket (Ctrl+P)</source>
        <translation>Записать и печать талона (Ctrl+P)</translation>
    </message>
    <message>
        <source>Book, then open the ticket in the print dialog (preview, printer, PDF)</source>
        <translation>Записать и открыть талон в окне печати (просмотр, принтер, PDF)</translation>
    </message>
    <message>
        <source>Book (Enter)</source>
        <translation>Записать (Enter)</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Закрыть (Esc)</translation>
    </message>
    <message>
        <source>, room {number}</source>
        <translation>, кабинет {number}</translation>
    </message>
    <message>
        <source>choose the service: its price and length show here</source>
        <translation>выберите услугу: здесь будут ее цена и длительность</translation>
    </message>
    <message>
        <source>no price on {day} · {minutes} min</source>
        <translation>нет цены на {day} · {minutes} мин</translation>
    </message>
    <message>
        <source>{price} on {day} · {minutes} min</source>
        <translation>{price} на {day} · {minutes} мин</translation>
    </message>
    <message>
        <source>No active referral on the card: type the number or choose «Paid»</source>
        <translation>Нет действующего направления: введите номер или выберите «Платно»</translation>
    </message>
    <message>
        <source>Choose the patient first</source>
        <translation>Сначала выберите пациента</translation>
    </message>
    <message>
        <source>Reason: required</source>
        <translation>Причина: обязательное поле</translation>
    </message>
    <message>
        <source>Ticket: {patient}</source>
        <translation>Талон: {patient}</translation>
    </message>
    <message>
        <source>room {number}</source>
        <translation>каб. {number}</translation>
    </message>
</context>
<context>
    <name>BookingWizard</name>
    <message>
        <source>Referral number, then Enter</source>
        <translation>Номер направления, затем Enter</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Проверить</translation>
    </message>
    <message>
        <source>Several organisations issued this number</source>
        <translation>Направление с таким номером выдали несколько организаций</translation>
    </message>
    <message>
        <source> × 15 min</source>
        <translation> × 15 мин</translation>
    </message>
    <message>
        <source>remote consultation only</source>
        <translation>только телемедицина</translation>
    </message>
    <message>
        <source>Find times</source>
        <translation>Найти время</translation>
    </message>
    <message>
        <source>Doctor / time</source>
        <translation>Врач / время</translation>
    </message>
    <message>
        <source>Qualification</source>
        <translation>Квалификация</translation>
    </message>
    <message>
        <source>Branch, room</source>
        <translation>Филиал, кабинет</translation>
    </message>
    <message>
        <source>№</source>
        <translation>№</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>Дни</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Длительность</translation>
    </message>
    <message>
        <source>Checking the referral…</source>
        <translation>Проверяем направление…</translation>
    </message>
    <message>
        <source>— which organisation? —</source>
        <translation>— какая организация? —</translation>
    </message>
    <message>
        <source>valid until &lt;b&gt;{last}&lt;/b&gt; ({days} days left)</source>
        <translation>действует до &lt;b&gt;{last}&lt;/b&gt; (осталось дней: {days})</translation>
    </message>
    <message>
        <source>valid until &lt;b&gt;{last}&lt;/b&gt;, expired</source>
        <translation>действовало до &lt;b&gt;{last}&lt;/b&gt;, срок истёк</translation>
    </message>
    <message>
        <source>&lt;b&gt;{patient}&lt;/b&gt; → {specialty}; issued {issued} by {organisation}; {validity}</source>
        <translation>&lt;b&gt;{patient}&lt;/b&gt; → {specialty}; выдано {issued}, {organisation}; {validity}</translation>
    </message>
    <message>
        <source>Open the card</source>
        <translation>Открыть карту</translation>
    </message>
    <message>
        <source>No free time before the referral&apos;s last valid day in the days chosen.</source>
        <translation>В выбранные дни до окончания срока направления свободного времени нет.</translation>
    </message>
    <message>
        <source>no free time in these days</source>
        <translation>нет свободного времени в эти дни</translation>
    </message>
    <message>
        <source>room {room}</source>
        <translation>каб. {room}</translation>
    </message>
    <message>
        <source>, remote</source>
        <translation>, телемедицина</translation>
    </message>
    <message>
        <source>highest category</source>
        <translation>высшая категория</translation>
    </message>
    <message>
        <source>first category</source>
        <translation>первая категория</translation>
    </message>
    <message>
        <source>second category</source>
        <translation>вторая категория</translation>
    </message>
    <message>
        <source>Cand. Med. Sci.</source>
        <translation>к.м.н.</translation>
    </message>
    <message>
        <source>Dr. Med. Sci.</source>
        <translation>д.м.н.</translation>
    </message>
    <message>
        <source>, room {room}</source>
        <translation>, каб. {room}</translation>
    </message>
    <message>
        <source>Booking…</source>
        <translation>Запись…</translation>
    </message>
    <message>
        <source>Booked: {patient}, {when}. Ticket?</source>
        <translation>Записан(а): {patient}, {when}. Печатать талон?</translation>
    </message>
    <message>
        <source>Print ticket</source>
        <translation>Печать талона</translation>
    </message>
    <message>
        <source>Next referral</source>
        <translation>Следующее направление</translation>
    </message>
    <message>
        <source>{reason}. Nearest free time: {doctor}, {when}</source>
        <translation>{reason}. Ближайшее свободное время: {doctor}, {when}</translation>
    </message>
    <message>
        <source>Book at {when}</source>
        <translation>Записать на {when}</translation>
    </message>
    <message>
        <source>Show times again</source>
        <translation>Показать время заново</translation>
    </message>
</context>
<context>
    <name>CallListPanel</name>
    <message>
        <source>Patients to call</source>
        <extracomment>Notices are gathered this long before the list is read again. The desk makes the calls (a doctor&apos;s schedule shows no call list).</extracomment>
        <translation>Кому позвонить</translation>
    </message>
    <message>
        <source>&amp;Called</source>
        <translation>Позвони&amp;л</translation>
    </message>
    <message>
        <source>The patient was reached (Enter in the list)</source>
        <translation>Дозвонились до пациента (Enter в списке)</translation>
    </message>
    <message>
        <source>&amp;No answer</source>
        <translation>&amp;Не дозвонился</translation>
    </message>
    <message>
        <source>Nobody answered: the call stays on the list (Shift+Enter in the list)</source>
        <translation>Никто не ответил: звонок остаётся в списке (Shift+Enter в списке)</translation>
    </message>
    <message>
        <source>Calls to make ({count})</source>
        <translation>Позвонить ({count})</translation>
    </message>
    <message>
        <source>no answer: {count}</source>
        <translation>не дозвонились: {count}</translation>
    </message>
</context>
<context>
    <name>CancelDialog</name>
    <message>
        <source>Cancel the appointment</source>
        <translation>Отменить запись</translation>
    </message>
    <message>
        <source>Cancel &lt;b&gt;{what}&lt;/b&gt;?</source>
        <translation>Отменить запись &lt;b&gt;{what}&lt;/b&gt;?</translation>
    </message>
    <message>
        <source>By the patient</source>
        <translation>Пациентом</translation>
    </message>
    <message>
        <source>By the clinic</source>
        <translation>Клиникой</translation>
    </message>
    <message>
        <source>Why the appointment is cancelled</source>
        <translation>Почему запись отменяется</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Кем отменена</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>Less than 24 hours are left before the appointment. As a manager you may still cancel it: the reason is recorded as your override.</source>
        <translation>До приёма осталось меньше 24 часов. Как менеджер вы можете отменить запись: причина будет записана как ваше решение вопреки правилу.</translation>
    </message>
    <message>
        <source>Less than 24 hours are left before the appointment: only a manager may cancel it now.</source>
        <translation>До приёма осталось меньше 24 часов: теперь отменить запись может только менеджер.</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
</context>
<context>
    <name>CardEditor</name>
    <message>
        <source>The identity-document key is not loaded.</source>
        <translation>Ключ документов не загружен.</translation>
    </message>
    <message>
        <source>Patient&apos;s card</source>
        <translation>Карта пациента</translation>
    </message>
    <message>
        <source>New patient</source>
        <translation>Новый пациент</translation>
    </message>
    <message>
        <source>{name} — patient&apos;s card</source>
        <translation>{name} — карта пациента</translation>
    </message>
    <message>
        <source>Save the card first, then Ctrl+F</source>
        <translation>Сначала сохраните карту, затем Ctrl+F</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Сохранено.</translation>
    </message>
    <message>
        <source>Check the marked fields: {count}</source>
        <translation>Проверьте отмеченные поля: {count}</translation>
    </message>
    <message>
        <source>Open the card</source>
        <translation>Открыть карту</translation>
    </message>
    <message>
        <source>{message}. Is it the same person?</source>
        <translation>{message}. Это тот же человек?</translation>
    </message>
    <message>
        <source>Save anyway</source>
        <translation>Всё равно сохранить</translation>
    </message>
</context>
<context>
    <name>CardHeader</name>
    <message>
        <source>Show documents</source>
        <translation>Показать документы</translation>
    </message>
    <message>
        <source>Viewing the documents is recorded in the journal</source>
        <translation>Просмотр документов записывается в журнал</translation>
    </message>
    <message>
        <source>Rating…</source>
        <translation>Оценка…</translation>
    </message>
    <message>
        <source>Record the patient&apos;s rating of a visit, a doctor or the clinic</source>
        <translation>Записать оценку пациента: приёма, врача или клиники</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Сохранение…</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>Сохранить (Ctrl+S)</translation>
    </message>
    <message>
        <source>Opening the card…</source>
        <translation>Карта открывается…</translation>
    </message>
    <message>
        <source>The card could not be opened</source>
        <translation>Карту не удалось открыть</translation>
    </message>
    <message>
        <source>New patient</source>
        <translation>Новый пациент</translation>
    </message>
    <message>
        <source>Last name, first name, birth date and phone are enough to book by phone.</source>
        <translation>Для записи по телефону достаточно фамилии, имени, даты рождения и телефона.</translation>
    </message>
    <message>
        <source>Card No. {id} · born {birth} · changed {changed}</source>
        <translation>Карта № {id} · дата рождения {birth} · изменена {changed}</translation>
    </message>
</context>
<context>
    <name>CardLabels</name>
    <message>
        <source>Last name</source>
        <translation>Фамилия</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <source>Patronymic</source>
        <translation>Отчество</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Дата рождения</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Пол</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Эл. почта</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>SNILS</source>
        <translation>СНИЛС</translation>
    </message>
    <message>
        <source>Passport</source>
        <translation>Паспорт: серия и номер</translation>
    </message>
    <message>
        <source>Issue date</source>
        <translation>Дата выдачи</translation>
    </message>
    <message>
        <source>Subdivision code</source>
        <translation>Код подразделения</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>Кем выдан</translation>
    </message>
    <message>
        <source>Other document</source>
        <translation>Другой документ</translation>
    </message>
    <message>
        <source>Document number</source>
        <translation>Номер документа</translation>
    </message>
    <message>
        <source>Policy kind</source>
        <translation>Вид полиса</translation>
    </message>
    <message>
        <source>Policy series</source>
        <translation>Серия полиса</translation>
    </message>
    <message>
        <source>Policy number</source>
        <translation>Номер полиса</translation>
    </message>
    <message>
        <source>Policy valid until</source>
        <translation>Полис действует до</translation>
    </message>
    <message>
        <source>Insurer</source>
        <translation>СМО</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Примечание</translation>
    </message>
    <message>
        <source>Consent to personal data processing</source>
        <translation>Согласие на обработку персональных данных</translation>
    </message>
    <message>
        <source>Consent to SMS</source>
        <translation>Согласие на СМС</translation>
    </message>
    <message>
        <source>Consent to e-mail</source>
        <translation>Согласие на письма</translation>
    </message>
    <message>
        <source>male</source>
        <translation>мужской</translation>
    </message>
    <message>
        <source>female</source>
        <translation>женский</translation>
    </message>
    <message>
        <source>unified number (ENP)</source>
        <translation>единый номер (ЕНП)</translation>
    </message>
    <message>
        <source>old-style policy</source>
        <translation>полис старого образца</translation>
    </message>
    <message>
        <source>temporary certificate</source>
        <translation>временное свидетельство</translation>
    </message>
    <message>
        <source>birth certificate</source>
        <translation>свидетельство о рождении</translation>
    </message>
    <message>
        <source>foreign passport</source>
        <translation>иностранный паспорт</translation>
    </message>
    <message>
        <source>other document</source>
        <translation>другой документ</translation>
    </message>
    <message>
        <source>personal data processing</source>
        <translation>обработка персональных данных</translation>
    </message>
    <message>
        <source>SMS messages</source>
        <translation>СМС-сообщения</translation>
    </message>
    <message>
        <source>e-mail messages</source>
        <translation>письма по эл. почте</translation>
    </message>
    <message>
        <source>booked</source>
        <translation>записан</translation>
    </message>
    <message>
        <source>arrived</source>
        <translation>пришёл</translation>
    </message>
    <message>
        <source>at the doctor&apos;s</source>
        <translation>на приёме</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>приём окончен</translation>
    </message>
    <message>
        <source>did not come</source>
        <translation>не пришёл</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>отменено</translation>
    </message>
    <message>
        <source>rescheduled</source>
        <translation>перенесено</translation>
    </message>
    <message>
        <source>OMS, by referral</source>
        <translation>ОМС, по направлению</translation>
    </message>
    <message>
        <source>paid</source>
        <translation>платный</translation>
    </message>
    <message>
        <source>follow-up</source>
        <translation>повторный</translation>
    </message>
    <message>
        <source>telemedicine</source>
        <translation>телемедицина</translation>
    </message>
    <message>
        <source>active</source>
        <translation>действует</translation>
    </message>
    <message>
        <source>used</source>
        <translation>использовано</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>закрыто</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>истекло</translation>
    </message>
</context>
<context>
    <name>CardTabs</name>
    <message>
        <source>Record consent</source>
        <translation>Записать согласие</translation>
    </message>
    <message>
        <source>Revoke the selected one</source>
        <translation>Отозвать выбранное</translation>
    </message>
    <message>
        <source>on</source>
        <translation>от</translation>
    </message>
    <message>
        <source>Payment for the chosen visit…</source>
        <translation>Оплата выбранного приёма…</translation>
    </message>
    <message>
        <source>Pay several unpaid visits…</source>
        <translation>Оплатить несколько приёмов…</translation>
    </message>
    <message>
        <source>Appointments</source>
        <extracomment>The last payment dialog opened from the card.</extracomment>
        <translation>Записи</translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation>Направления</translation>
    </message>
    <message>
        <source>History</source>
        <translation>История</translation>
    </message>
    <message>
        <source>Consents</source>
        <translation>Согласия</translation>
    </message>
    <message>
        <source>Priority and waiting list</source>
        <translation>Приоритет и лист ожидания</translation>
    </message>
    <message>
        <source>Medical record</source>
        <translation>Медкарта</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Сообщения</translation>
    </message>
    <message>
        <source>Bonus points</source>
        <translation>Бонусы</translation>
    </message>
    <message>
        <source>Appointments ({n})</source>
        <translation>Записи ({n})</translation>
    </message>
    <message>
        <source>Referrals ({n})</source>
        <translation>Направления ({n})</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Дата</translation>
    </message>
    <message>
        <source>Select the consent to revoke</source>
        <translation>Выберите согласие, которое нужно отозвать</translation>
    </message>
</context>
<context>
    <name>ChannelsTab</name>
    <message>
        <source>Channels</source>
        <translation>Каналы</translation>
    </message>
    <message>
        <source>STARTTLS (port 587)</source>
        <translation>STARTTLS (порт 587)</translation>
    </message>
    <message>
        <source>SSL from the start (port 465)</source>
        <translation>SSL с самого начала (порт 465)</translation>
    </message>
    <message>
        <source>None (a server inside the clinic)</source>
        <translation>Без шифрования (сервер внутри клиники)</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>без ограничения</translation>
    </message>
    <message>
        <source>E-mail (SMTP)</source>
        <translation>Электронная почта (SMTP)</translation>
    </message>
    <message>
        <source>SMTP server:</source>
        <translation>Сервер SMTP:</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Порт:</translation>
    </message>
    <message>
        <source>Security:</source>
        <translation>Защита:</translation>
    </message>
    <message>
        <source>Login:</source>
        <translation>Логин:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Пароль:</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>От кого:</translation>
    </message>
    <message>
        <source>At most per minute:</source>
        <translation>Не больше в минуту:</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Выключено</translation>
    </message>
    <message>
        <source>Another gateway (HTTP POST JSON)</source>
        <translation>Другой шлюз (HTTP POST JSON)</translation>
    </message>
    <message>
        <source>the provider&apos;s own</source>
        <translation>адрес оператора</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>Provider:</source>
        <translation>Оператор:</translation>
    </message>
    <message>
        <source>Token (SMSC.ru: login:password):</source>
        <translation>Токен (для SMSC.ru — логин:пароль):</translation>
    </message>
    <message>
        <source>Sender name:</source>
        <translation>Имя отправителя:</translation>
    </message>
    <message>
        <source>Gateway address:</source>
        <translation>Адрес шлюза:</translation>
    </message>
    <message>
        <source>Quiet hours (clinic time)</source>
        <translation>Тихие часы (время клиники)</translation>
    </message>
    <message>
        <source>No SMS from</source>
        <translation>Не отправлять SMS с</translation>
    </message>
    <message>
        <source>until</source>
        <translation>до</translation>
    </message>
    <message>
        <source>(equal times: SMS at any hour)</source>
        <translation>(одинаковое время — SMS в любой час)</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Эл. почта</translation>
    </message>
    <message>
        <source>an address or a phone number</source>
        <translation>адрес или номер телефона</translation>
    </message>
    <message>
        <source>Send a test message</source>
        <translation>Отправить тестовое сообщение</translation>
    </message>
    <message>
        <source>Test message</source>
        <translation>Тестовое сообщение</translation>
    </message>
    <message>
        <source>Sent through the channel as typed above (saved or not), to check it works.</source>
        <translation>Уходит через канал с настройками, введёнными выше (сохранёнными или нет), — чтобы проверить, что он работает.</translation>
    </message>
    <message>
        <source>stored — type to replace</source>
        <translation>сохранён — введите, чтобы заменить</translation>
    </message>
    <message>
        <source>The channels are saved.</source>
        <translation>Каналы сохранены.</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Отправляется…</translation>
    </message>
</context>
<context>
    <name>ClinicTab</name>
    <message>
        <source>Clinic</source>
        <translation>Клиника</translation>
    </message>
    <message>
        <source>Tickets, day lists, receipts and notices print these details.</source>
        <translation>Эти реквизиты печатаются на талонах, списках на день, квитанциях и в уведомлениях.</translation>
    </message>
    <message>
        <source>Only an administrator changes the clinic&apos;s details.</source>
        <translation>Реквизиты клиники меняет только администратор.</translation>
    </message>
    <message>
        <source>The clinic&apos;s details are saved</source>
        <translation>Реквизиты клиники сохранены</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>The card was changed on another workstation</source>
        <translation>Карту изменили на другом рабочем месте</translation>
    </message>
    <message>
        <source>Another workstation saved this card at {time} while you were editing it. Nothing you typed is lost: choose which value to keep in each field, then save.</source>
        <translation>Пока вы редактировали карту, её сохранили на другом рабочем месте в {time}. Всё, что вы ввели, на месте: выберите, какое значение оставить в каждом поле, и сохраните.</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Поле</translation>
    </message>
    <message>
        <source>Their value</source>
        <translation>Их значение</translation>
    </message>
    <message>
        <source>Your value</source>
        <translation>Ваше значение</translation>
    </message>
    <message>
        <source>(you did not change it)</source>
        <translation>(вы его не меняли)</translation>
    </message>
    <message>
        <source>Save the chosen values</source>
        <translation>Сохранить выбранное</translation>
    </message>
    <message>
        <source>Back to the card</source>
        <translation>Вернуться к карте</translation>
    </message>
    <message>
        <source>(hidden)</source>
        <translation>(скрыто)</translation>
    </message>
</context>
<context>
    <name>ConnectionDialog</name>
    <message>
        <source>Connection settings</source>
        <translation>Настройки подключения</translation>
    </message>
    <message>
        <source>Type the address of the clinic&apos;s database server (ask the administrator), test it, then save and try again.</source>
        <translation>Введите адрес сервера базы данных клиники (его знает администратор), проверьте подключение, затем сохраните и попробуйте снова.</translation>
    </message>
    <message>
        <source>This start took the address from {source}. The retry uses the saved address; the next start takes {source} again unless it is removed.</source>
        <translation>При этом запуске адрес взят из: {source}. Повторная попытка использует сохранённый адрес; при следующем запуске снова будет взят {source}, если его не убрать.</translation>
    </message>
    <message>
        <source>Save and retry</source>
        <translation>Сохранить и повторить</translation>
    </message>
</context>
<context>
    <name>ConnectionSettings</name>
    <message>
        <source>Built-in server (this computer only, with a demo clinic)</source>
        <translation>Встроенный сервер (только этот компьютер, демо-клиника)</translation>
    </message>
    <message>
        <source>The clinic&apos;s server:</source>
        <translation>Сервер клиники:</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Выбрать…</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Проверить подключение</translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation>Адрес сервера:</translation>
    </message>
    <message>
        <source>Key file:</source>
        <translation>Файл ключа:</translation>
    </message>
    <message>
        <source>The identity-document key file</source>
        <translation>Файл ключа документов пациентов</translation>
    </message>
    <message>
        <source>Key files (*.bin);;All files (*)</source>
        <translation>Файлы ключа (*.bin);;Все файлы (*)</translation>
    </message>
    <message>
        <source>Testing the connection…</source>
        <translation>Проверка подключения…</translation>
    </message>
    <message>
        <source>The built-in server runs on this computer and is started by the program itself; it is checked at every start.</source>
        <translation>Встроенный сервер работает на этом компьютере, его запускает сама программа; он проверяется при каждом запуске.</translation>
    </message>
    <message>
        <source>The test could not run: {error}</source>
        <translation>Проверку не удалось выполнить: {error}</translation>
    </message>
    <message>
        <source>{failed} of {total} checks failed.</source>
        <translation>Не пройдено проверок: {failed} из {total}.</translation>
    </message>
    <message>
        <source>No connection.</source>
        <translation>Подключения нет.</translation>
    </message>
    <message>
        <source>The key file is tested once the problems above are fixed.</source>
        <translation>Файл ключа будет проверен, когда будут устранены проблемы выше.</translation>
    </message>
    <message>
        <source>The connection works: every check passed.</source>
        <translation>Подключение работает: все проверки пройдены.</translation>
    </message>
    <message>
        <source>The server answers: {detail}.</source>
        <translation>Сервер отвечает: {detail}.</translation>
    </message>
    <message>
        <source>The server cannot be reached or refuses the connection: {detail}</source>
        <translation>Сервер недоступен или отказывает в подключении: {detail}</translation>
    </message>
    <message>
        <source>Cyrillic letters: case folding works ({detail}).</source>
        <translation>Кириллица: заглавные и строчные буквы сопоставляются верно ({detail}).</translation>
    </message>
    <message>
        <source>Cyrillic letters: {detail}</source>
        <translation>Кириллица: {detail}</translation>
    </message>
    <message>
        <source>Extensions installed: {detail}.</source>
        <translation>Расширения установлены: {detail}.</translation>
    </message>
    <message>
        <source>Extensions: {detail}</source>
        <translation>Расширения: {detail}</translation>
    </message>
    <message>
        <source>The database structure is up to date: {detail}.</source>
        <translation>Структура базы данных актуальна: {detail}.</translation>
    </message>
    <message>
        <source>The database structure: {detail}</source>
        <translation>Структура базы данных: {detail}</translation>
    </message>
    <message>
        <source>The key file fits this database (fingerprint {detail}).</source>
        <translation>Файл ключа подходит к этой базе (отпечаток совпадает: {detail}).</translation>
    </message>
    <message>
        <source>The key file: {detail}</source>
        <translation>Файл ключа: {detail}</translation>
    </message>
    <message>
        <source>The database role: {detail}.</source>
        <translation>Роль в базе данных: {detail}.</translation>
    </message>
</context>
<context>
    <name>ConsentsModel</name>
    <message>
        <source>Consent</source>
        <translation>Согласие</translation>
    </message>
    <message>
        <source>Given on</source>
        <translation>Дано</translation>
    </message>
    <message>
        <source>Revoked on</source>
        <translation>Отозвано</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <source>Utilisation by specialty, %</source>
        <extracomment>Notices are gathered this long before the dashboard reloads.</extracomment>
        <translation>Загрузка по специальностям, %</translation>
    </message>
    <message>
        <source>No-shows this week</source>
        <translation>Неявки на этой неделе</translation>
    </message>
    <message>
        <source>Waiting list by specialty</source>
        <translation>Лист ожидания по специальностям</translation>
    </message>
    <message>
        <source>Referral</source>
        <translation>Направление</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Days left</source>
        <translation>Осталось дней</translation>
    </message>
    <message>
        <source>Referrals about to expire (≤ 5 days, no appointment)</source>
        <translation>Истекающие направления (≤ 5 дней, без записи)</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>Ratings</source>
        <translation>Оценок</translation>
    </message>
    <message>
        <source>Average</source>
        <translation>Средняя</translation>
    </message>
    <message>
        <source>≤ 2</source>
        <translation>≤ 2</translation>
    </message>
    <message>
        <source>Doctors&apos; ratings, 90 days</source>
        <translation>Оценки врачей за 90 дней</translation>
    </message>
    <message>
        <source>Today {today}, week {start}–{end}</source>
        <translation>Сегодня {today}, неделя {start}–{end}</translation>
    </message>
    <message>
        <source>No-shows today: {today} · this week: {week} · waiting list: {waiting} · referrals about to expire: {expiring}</source>
        <translation>Неявок сегодня: {today} · за неделю: {week} · в листе ожидания: {waiting} · истекающих направлений: {expiring}</translation>
    </message>
    <message>
        <source>Notices not delivered today: {count}</source>
        <translation>Не доставлено уведомлений сегодня: {count}</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <source>This week</source>
        <translation>Эта неделя</translation>
    </message>
    <message>
        <source>No-shows</source>
        <translation>Неявки</translation>
    </message>
    <message>
        <source>Mon</source>
        <translation>Пн</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>Вт</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>Ср</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>Чт</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>Пт</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>Сб</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>Вс</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Ожидают</translation>
    </message>
    <message>
        <source>Clinic</source>
        <translation>Клиника</translation>
    </message>
</context>
<context>
    <name>DbRunner</name>
    <message>
        <source>The database server cannot be reached. Check the network and try again.</source>
        <extracomment>Gets the exception itself beside the message, for callers that act on its type (a conflict carrying both versions, a duplicate naming the existing card).</extracomment>
        <translation>Сервер базы данных недоступен. Проверьте сеть и повторите попытку.</translation>
    </message>
    <message>
        <source>Unexpected error: {error}. The details are in the program&apos;s log.</source>
        <translation>Непредвиденная ошибка: {error}. Подробности записаны в лог программы.</translation>
    </message>
</context>
<context>
    <name>DirectoriesPage</name>
    <message>
        <source>Directories</source>
        <translation>Справочники</translation>
    </message>
</context>
<context>
    <name>DirectoryModel</name>
    <message>
        <source>{text} (deactivated)</source>
        <extracomment>Columns whose drop-down lists a fixed vocabulary or a reference&apos;s keys.</extracomment>
        <translation>{text} (выведено из работы)</translation>
    </message>
</context>
<context>
    <name>DirectoryTab</name>
    <message>
        <source>Show deactivated</source>
        <extracomment>The row in the form; ``None`` while a new one is typed.</extracomment>
        <translation>Показывать выведенные из работы</translation>
    </message>
    <message>
        <source>New (Ctrl+N)</source>
        <translation>Новая запись (Ctrl+N)</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>Сохранить (Ctrl+S)</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>Вывести из работы</translation>
    </message>
    <message>
        <source>Rows: {n}</source>
        <translation>Записей: {n}</translation>
    </message>
    <message>
        <source>({n} deactivated)</source>
        <translation>(выведено из работы: {n})</translation>
    </message>
    <message>
        <source>New row</source>
        <translation>Новая запись</translation>
    </message>
    <message>
        <source>Editing</source>
        <translation>Правка</translation>
    </message>
    <message>
        <source>Editing a deactivated row</source>
        <translation>Правка записи, выведенной из работы</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Вернуть в работу</translation>
    </message>
    <message>
        <source>Added to the directory</source>
        <translation>Добавлено в справочник</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Сохранено</translation>
    </message>
    <message>
        <source>{n} fields to correct; the first: {message}</source>
        <translation>Исправьте поля: {n}; первое: {message}</translation>
    </message>
    <message>
        <source>{field}: there «{theirs}», here «{mine}»</source>
        <translation>{field}: там «{theirs}», у вас «{mine}»</translation>
    </message>
    <message>
        <source>Save mine</source>
        <translation>Сохранить моё</translation>
    </message>
    <message>
        <source>Take theirs</source>
        <translation>Взять их версию</translation>
    </message>
    <message>
        <source>Deactivated: it is no longer offered, history keeps it</source>
        <translation>Выведено из работы: больше не предлагается, история сохранена</translation>
    </message>
    <message>
        <source>Back in use</source>
        <translation>Снова в работе</translation>
    </message>
</context>
<context>
    <name>DocumentLimitBox</name>
    <message>
        <source>Medical documents</source>
        <translation>Медицинские документы</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> МБ</translation>
    </message>
    <message>
        <source>Save the limit</source>
        <translation>Сохранить предел</translation>
    </message>
    <message>
        <source>Largest file attached to a card:</source>
        <translation>Наибольший файл, прикрепляемый к карте:</translation>
    </message>
</context>
<context>
    <name>DocumentPreview</name>
    <message>
        <source>Open</source>
        <translation>Открыть</translation>
    </message>
    <message>
        <source>Select a document to see it here</source>
        <translation>Выберите документ, чтобы увидеть его здесь</translation>
    </message>
    <message>
        <source>Preview is not available for this file: open it in the system&apos;s viewer</source>
        <translation>Предпросмотр недоступен для этого файла: откройте его в программе просмотра системы</translation>
    </message>
</context>
<context>
    <name>DocumentsModel</name>
    <message>
        <source>Date</source>
        <translation>Дата</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Название</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Размер</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Автор</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>Отозван</translation>
    </message>
    <message>
        <source>withdrawn: {reason}</source>
        <translation>отозван: {reason}</translation>
    </message>
</context>
<context>
    <name>DocumentsTab</name>
    <message>
        <source>Only doctors and managers see the contents of medical documents</source>
        <translation>Содержимое медицинских документов видят только врачи и менеджеры</translation>
    </message>
    <message>
        <source>no appointment</source>
        <translation>без приёма</translation>
    </message>
    <message>
        <source>Attach a file…</source>
        <translation>Прикрепить файл…</translation>
    </message>
    <message>
        <source>or drop files here</source>
        <translation>или перетащите файлы сюда</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Открыть</translation>
    </message>
    <message>
        <source>Save a copy…</source>
        <translation>Сохранить копию…</translation>
    </message>
    <message>
        <source>Reason for withdrawal</source>
        <translation>Причина отзыва</translation>
    </message>
    <message>
        <source>Withdraw</source>
        <translation>Отозвать</translation>
    </message>
    <message>
        <source>Select a document to see it here</source>
        <translation>Выберите документ, чтобы увидеть его здесь</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>Чтение…</translation>
    </message>
    <message>
        <source>Attach a file</source>
        <translation>Прикрепить файл</translation>
    </message>
    <message>
        <source>Documents (*.pdf *.jpg *.jpeg *.png *.dcm *.doc *.docx *.xls *.xlsx *.odt *.ods *.rtf)</source>
        <translation>Документы (*.pdf *.jpg *.jpeg *.png *.dcm *.doc *.docx *.xls *.xlsx *.odt *.ods *.rtf)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Все файлы (*)</translation>
    </message>
    <message>
        <source>Document date</source>
        <translation>Дата документа</translation>
    </message>
    <message>
        <source>Save a copy</source>
        <translation>Сохранить копию</translation>
    </message>
    <message>
        <source>Reason: say why the document is withdrawn</source>
        <translation>Причина: укажите, почему документ отозван</translation>
    </message>
</context>
<context>
    <name>ExceptionEditor</name>
    <message>
        <source>Exception</source>
        <translation>Исключение</translation>
    </message>
    <message>
        <source>whole days (the last day included)</source>
        <translation>целыми днями (последний день включительно)</translation>
    </message>
    <message>
        <source>e.g. annual leave; courses in the city hospital</source>
        <translation>например: ежегодный отпуск; курсы в городской больнице</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Что</translation>
    </message>
    <message>
        <source>From</source>
        <translation>С</translation>
    </message>
    <message>
        <source>To</source>
        <translation>По</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Кабинет</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>the doctor&apos;s own room</source>
        <translation>свой кабинет врача</translation>
    </message>
</context>
<context>
    <name>ExportProgress</name>
    <message>
        <source>Export to Excel</source>
        <translation>Выгрузка в Excel</translation>
    </message>
    <message>
        <source>Writing «{title}»…</source>
        <translation>Формируется «{title}»…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Rows written: {done}</source>
        <translation>Записано строк: {done}</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Отмена…</translation>
    </message>
</context>
<context>
    <name>ExportThread</name>
    <message>
        <source>Cannot write {path}: {error}</source>
        <translation>Не удалось записать {path}: {error}</translation>
    </message>
    <message>
        <source>Unexpected error: {error}. The details are in the program&apos;s log.</source>
        <translation>Непредвиденная ошибка: {error}. Подробности — в журнале программы.</translation>
    </message>
</context>
<context>
    <name>ExtendDialog</name>
    <message>
        <source>Extend referral {number}</source>
        <translation>Продление направления {number}</translation>
    </message>
    <message>
        <source>Valid now until {last}. It can be extended until {limit} at most (90 days from the issue date).</source>
        <translation>Сейчас действует до {last}. Продлить можно не дальше {limit} (90 дней от даты выдачи).</translation>
    </message>
    <message>
        <source>why the treatment needs more time (required)</source>
        <translation>почему лечению нужно больше времени (обязательно)</translation>
    </message>
    <message>
        <source>Extend</source>
        <translation>Продлить</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>Действует до</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
</context>
<context>
    <name>FeedbackModel</name>
    <message>
        <source>Visit</source>
        <translation>Приём</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>Clinic</source>
        <translation>Клиника</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>Записана</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>Оценка</translation>
    </message>
    <message>
        <source>About</source>
        <translation>О чём</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Ответ</translation>
    </message>
    <message>
        <source>waiting for an answer</source>
        <translation>ждёт ответа</translation>
    </message>
</context>
<context>
    <name>FeedbackPage</name>
    <message>
        <source>Register</source>
        <translation>Реестр</translation>
    </message>
    <message>
        <source>To answer</source>
        <translation>Ответить</translation>
    </message>
    <message>
        <source>To answer ({n})</source>
        <translation>Ответить ({n})</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>Appointment history — {patient}</source>
        <translation>История записи — {patient}</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Moves&lt;/b&gt;</source>
        <translation>&lt;b&gt;Переносы&lt;/b&gt;</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Откуда</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Куда</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Кто</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>The appointment was not moved.</source>
        <translation>Запись не переносилась.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Journal&lt;/b&gt;</source>
        <translation>&lt;b&gt;Журнал&lt;/b&gt;</translation>
    </message>
    <message>
        <source>When / field</source>
        <translation>Когда / поле</translation>
    </message>
    <message>
        <source>Who / before</source>
        <translation>Кто / было</translation>
    </message>
    <message>
        <source>What / after</source>
        <translation>Что / стало</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Подробности</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>{patient}: {n} journal entries</source>
        <translation>{patient}: записей в журнале — {n}</translation>
    </message>
    <message>
        <source>{action} (appointment № {id})</source>
        <translation>{action} (запись № {id})</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Кто</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Что</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Поле</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Было</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Стало</translation>
    </message>
</context>
<context>
    <name>HoldingTray</name>
    <message>
        <source>The doctor became unavailable. Drag each one to a free slot, or press Enter on it and choose the time with the arrows.</source>
        <translation>Врач стал недоступен. Перетащите каждую запись на свободное время или нажмите на ней Enter и выберите время стрелками.</translation>
    </message>
    <message>
        <source>{patient}, {phone}: drag to a free slot, or Enter to move it</source>
        <translation>{patient}, {phone}: перетащите на свободное время или нажмите Enter, чтобы перенести</translation>
    </message>
    <message>
        <source>Holding tray ({count})</source>
        <translation>Лист переноса ({count})</translation>
    </message>
</context>
<context>
    <name>HoursForm</name>
    <message>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>own room ({number})</source>
        <translation>свой кабинет ({number})</translation>
    </message>
    <message>
        <source>own room</source>
        <translation>свой кабинет</translation>
    </message>
</context>
<context>
    <name>HoursTab</name>
    <message>
        <source>Working hours</source>
        <translation>Часы работы</translation>
    </message>
    <message>
        <source>All doctors</source>
        <translation>Все врачи</translation>
    </message>
    <message>
        <source>Doctor:</source>
        <translation>Врач:</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import patients: {file}</source>
        <translation>Импорт пациентов: {file}</translation>
    </message>
    <message>
        <source>Checking {file}…</source>
        <translation>Проверяю {file}…</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>Строка</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Поле</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Импортировать</translation>
    </message>
    <message>
        <source>Save errors…</source>
        <translation>Сохранить ошибки…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>Importing {file}…</source>
        <translation>Импортирую {file}…</translation>
    </message>
    <message>
        <source>Rows: {total}; to import: {imported}; already present: {present}; rejected: {rejected}.</source>
        <translation>Строк: {total}; к импорту: {imported}; уже есть: {present}; отклонено: {rejected}.</translation>
    </message>
    <message>
        <source>Rows: {total}; imported: {imported}; already present: {present}; rejected: {rejected}.</source>
        <translation>Строк: {total}; импортировано: {imported}; уже есть: {present}; отклонено: {rejected}.</translation>
    </message>
    <message>
        <source>Columns not imported: {columns}</source>
        <translation>Не импортируются столбцы: {columns}</translation>
    </message>
    <message>
        <source>Rejected rows are not imported; fix them and import again.</source>
        <translation>Отклонённые строки не импортируются: исправьте их и импортируйте снова.</translation>
    </message>
    <message>
        <source>Save rejected rows</source>
        <translation>Сохранить отклонённые строки</translation>
    </message>
    <message>
        <source>Workbooks (*.xlsx)</source>
        <translation>Книги Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>Cannot save {file}: {error}</source>
        <translation>Не удалось сохранить {file}: {error}</translation>
    </message>
    <message>
        <source>Rejected rows saved to {file}</source>
        <translation>Отклонённые строки сохранены в {file}</translation>
    </message>
</context>
<context>
    <name>JournalModel</name>
    <message>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Пользователь</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>Рабочее место</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Действие</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>Объект</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>№</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Результат</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Подробности</translation>
    </message>
</context>
<context>
    <name>JournalPage</name>
    <message>
        <source>Journal</source>
        <translation>Журнал</translation>
    </message>
    <message>
        <source>Journal of actions</source>
        <translation>Журнал действий</translation>
    </message>
    <message>
        <source>Refresh (F5)</source>
        <translation>Обновить (F5)</translation>
    </message>
    <message>
        <source>Your role ({role}) may not read the journal. The journal is open to managers and administrators.</source>
        <translation>Вашей роли ({role}) просмотр журнала не разрешён. Журнал доступен менеджерам и администраторам.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <source>{count} entries shown, newest first.</source>
        <translation>Показано записей: {count}, новые сверху.</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Log in</source>
        <translation>Войти</translation>
    </message>
    <message>
        <source>Registratura</source>
        <translation>Регистратура</translation>
    </message>
    <message>
        <source>Sign-in</source>
        <translation>Вход</translation>
    </message>
    <message>
        <source>Clinic front desk. Log in to continue.</source>
        <translation>Рабочее место регистратуры клиники. Войдите, чтобы продолжить.</translation>
    </message>
    <message>
        <source>your login</source>
        <translation>ваш логин</translation>
    </message>
    <message>
        <source>password</source>
        <translation>пароль</translation>
    </message>
    <message>
        <source>&amp;Login:</source>
        <translation>&amp;Логин:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Проверка…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
    <message>
        <source>Database: {server}</source>
        <translation>База данных: {server}</translation>
    </message>
    <message>
        <source>Demo clinic</source>
        <translation>Демонстрационная клиника</translation>
    </message>
    <message>
        <source>This is the built-in demo database. Every demo user&apos;s password is {password}. Click a user to fill in the fields; double-click to log in.</source>
        <translation>Это встроенная демонстрационная база. Пароль у всех демонстрационных пользователей — {password}. Щелчок по строке заполняет поля, двойной щелчок — сразу входит.</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Роль</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>ФИО</translation>
    </message>
    <message>
        <source>Enter your login.</source>
        <translation>Введите логин.</translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation>Введите пароль.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>{name} ({role})</source>
        <extracomment>The order of the list; Ctrl+1… number the sections shown, top to bottom.</extracomment>
        <translation>{name} ({role})</translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation>Направления</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Отчёты</translation>
    </message>
    <message>
        <source>Ctrl+{number}</source>
        <extracomment>The sections shown, by their numbers (``SCHEDULE`` …), in the list&apos;s order.</extracomment>
        <translation>Ctrl+{number}</translation>
    </message>
    <message>
        <source>&amp;Program</source>
        <extracomment>The search box over everything (Ctrl+K). The warning about an old backup, for those who answer for it.</extracomment>
        <translation>&amp;Программа</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Обновить</translation>
    </message>
    <message>
        <source>&amp;Log out (switch user)</source>
        <translation>&amp;Выйти (сменить пользователя)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>В&amp;ыход</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>П&amp;ереход</translation>
    </message>
    <message>
        <source>&amp;Search everything…</source>
        <translation>&amp;Поиск по всему…</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Несохранённые изменения</translation>
    </message>
    <message>
        <source>Unsaved changes in: {sections}. Leave and lose them?</source>
        <translation>Есть несохранённые изменения: {sections}. Выйти и потерять их?</translation>
    </message>
    <message>
        <source>Leave without saving</source>
        <translation>Выйти без сохранения</translation>
    </message>
    <message>
        <source>Stay</source>
        <translation>Остаться</translation>
    </message>
    <message>
        <source>Feedback</source>
        <extracomment>Change notices about ratings are gathered this long before the page reads again.</extracomment>
        <translation>Отзывы</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <source>Hide the message</source>
        <translation>Скрыть сообщение</translation>
    </message>
</context>
<context>
    <name>NewPatientBox</name>
    <message>
        <source>Last name</source>
        <extracomment>The fields of the minimal card, in the order they are typed. Results shown at once: a booking needs the right one near the top, not paging.</extracomment>
        <translation>Фамилия</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <source>Patronymic</source>
        <translation>Отчество</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Дата рождения</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>New patient: the card needs only these fields</source>
        <translation>Новый пациент: для записи достаточно этих полей</translation>
    </message>
    <message>
        <source>DD.MM.YYYY</source>
        <translation>ДД.ММ.ГГГГ</translation>
    </message>
    <message>
        <source>{message}: {name}, born {date}. Is it the same person?</source>
        <translation>{message}: {name}, дата рождения {date}. Это тот же человек?</translation>
    </message>
    <message>
        <source>It is them</source>
        <translation>Это он</translation>
    </message>
    <message>
        <source>Create anyway</source>
        <translation>Всё равно создать</translation>
    </message>
    <message>
        <source>Use the existing card</source>
        <translation>Взять существующую карту</translation>
    </message>
</context>
<context>
    <name>NewUserDialog</name>
    <message>
        <source>New user</source>
        <translation>Новый пользователь</translation>
    </message>
    <message>
        <source>&amp;Login:</source>
        <translation>&amp;Логин:</translation>
    </message>
    <message>
        <source>&amp;Full name:</source>
        <translation>&amp;ФИО:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <source>R&amp;epeat:</source>
        <translation>П&amp;овтор:</translation>
    </message>
</context>
<context>
    <name>NextFreeDialog</name>
    <message>
        <source>Nearest free time</source>
        <translation>Ближайшее свободное</translation>
    </message>
    <message>
        <source>Nearest free time for {name}</source>
        <translation>Ближайшее свободное время: {name}</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>Платно</translation>
    </message>
    <message>
        <source>By referral (OMS)</source>
        <translation>По направлению (ОМС)</translation>
    </message>
    <message>
        <source>Number as on the referral</source>
        <translation>Номер как на направлении</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Услуга</translation>
    </message>
    <message>
        <source>Kind of visit</source>
        <translation>Вид приёма</translation>
    </message>
    <message>
        <source>Referral №</source>
        <translation>Направление №</translation>
    </message>
    <message>
        <source>Book (Enter)</source>
        <translation>Записать (Enter)</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Закрыть (Esc)</translation>
    </message>
    <message>
        <source>Choose a specialty or a service</source>
        <translation>Выберите специальность или услугу</translation>
    </message>
    <message>
        <source>— any service —</source>
        <translation>— любая услуга —</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Поиск…</translation>
    </message>
    <message>
        <source>In the list Up/Down choose a time; Enter books it</source>
        <translation>В списке ↑/↓ выбирают время; Enter записывает</translation>
    </message>
    <message>
        <source>No free time in the next {days} days</source>
        <translation>Нет свободного времени в ближайшие {days} дн.</translation>
    </message>
    <message>
        <source>room {number}</source>
        <translation>каб. {number}</translation>
    </message>
    <message>
        <source>Time: choose one of the free times in the list</source>
        <translation>Время: выберите одно из свободных в списке</translation>
    </message>
    <message>
        <source>Referral №: required for a visit by referral</source>
        <translation>Направление №: обязательно для приёма по направлению</translation>
    </message>
    <message>
        <source>Booked for {day} {when}</source>
        <extracomment>The key that opens the dialog from the Patients page and the card.</extracomment>
        <translation>Записан на {day} {when}</translation>
    </message>
</context>
<context>
    <name>NoticeLabels</name>
    <message>
        <source>queued</source>
        <translation>в очереди</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>отправлено</translation>
    </message>
    <message>
        <source>not delivered</source>
        <translation>не доставлено</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>отменено</translation>
    </message>
    <message>
        <source>withdrawn</source>
        <translation>отозвано</translation>
    </message>
    <message>
        <source>e-mail</source>
        <translation>e-mail</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>booking confirmed</source>
        <translation>подтверждение записи</translation>
    </message>
    <message>
        <source>appointment changed</source>
        <translation>перенос записи</translation>
    </message>
    <message>
        <source>appointment cancelled</source>
        <translation>отмена записи</translation>
    </message>
    <message>
        <source>reminder</source>
        <translation>напоминание</translation>
    </message>
    <message>
        <source>free time offered</source>
        <translation>предложено свободное время</translation>
    </message>
    <message>
        <source>offered time withdrawn</source>
        <translation>предложенное время занято</translation>
    </message>
    <message>
        <source>doctor unavailable</source>
        <translation>врач недоступен</translation>
    </message>
    <message>
        <source>treatment plan reminder</source>
        <translation>напоминание по плану лечения</translation>
    </message>
    <message>
        <source>due {time}</source>
        <translation>к отправке {time}</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Поставлено</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>About</source>
        <translation>О чём</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Канал</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Кому</translation>
    </message>
    <message>
        <source>Sent / due</source>
        <translation>Отправлено / к отправке</translation>
    </message>
    <message>
        <source>Tries</source>
        <translation>Попыток</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
</context>
<context>
    <name>NotificationsPage</name>
    <message>
        <source>Notifications</source>
        <translation>Уведомления</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <source>Texts</source>
        <translation>Тексты</translation>
    </message>
</context>
<context>
    <name>OfferActions</name>
    <message>
        <source>Booked: {patient} to {doctor}, {day} at {time} ({kind})</source>
        <extracomment>Change notices are gathered this long before the offers are read again. Offers shown at once; the rest are counted («and 2 more»). How often this desk passes on offers left unanswered too long. Tables whose change may change the offers (``*`` = resynchronise everything). The last «which service?» dialog opened (a paid or follow-up answer).</extracomment>
        <translation>Записан(а): {patient} — {doctor}, {day} в {time} ({kind})</translation>
    </message>
    <message>
        <source>{patient} keeps their place on the list; the time was offered to the next patient</source>
        <translation>{patient} остаётся на своём месте в листе ожидания; время предложено следующему пациенту</translation>
    </message>
    <message>
        <source>{patient} keeps their place on the list; nobody else on the list fits this time</source>
        <translation>{patient} остаётся на своём месте в листе ожидания; больше никому в листе это время не подходит</translation>
    </message>
    <message>
        <source>{patient}: {message}. Book a paid visit?</source>
        <translation>{patient}: {message}. Записать на платный приём?</translation>
    </message>
    <message>
        <source>Book as paid</source>
        <translation>Записать платно</translation>
    </message>
    <message>
        <source>Do not book</source>
        <translation>Не записывать</translation>
    </message>
    <message>
        <source>{message}. Nearest free: {doctor}, {when}</source>
        <translation>{message}. Ближайшее свободное: {doctor}, {when}</translation>
    </message>
</context>
<context>
    <name>OfferLine</name>
    <message>
        <source>Free time for {patient}: {offer}</source>
        <translation>{patient} — освободилось время: {offer}</translation>
    </message>
    <message>
        <source>answer by {time}, then it passes to the next</source>
        <translation>ответ до {time}, затем — следующему</translation>
    </message>
    <message>
        <source>{patient}, {phone}; contact by {channel}</source>
        <translation>{patient}, {phone}; связь: {channel}</translation>
    </message>
    <message>
        <source>Book</source>
        <translation>Записать</translation>
    </message>
    <message>
        <source>The patient takes this time: book it (on the patient&apos;s referral if one is usable, otherwise paid)</source>
        <translation>Пациент согласен на это время: записать (по направлению, если есть подходящее, иначе платно)</translation>
    </message>
    <message>
        <source>Book as…</source>
        <translation>Записать как…</translation>
    </message>
    <message>
        <source>Book as a paid visit</source>
        <translation>Записать платно</translation>
    </message>
    <message>
        <source>Book as a follow-up visit</source>
        <translation>Записать на повторный приём</translation>
    </message>
    <message>
        <source>Pass to next</source>
        <translation>Передать следующему</translation>
    </message>
    <message>
        <source>The patient does not want this time: offer it to the next on the list</source>
        <translation>Пациенту это время не подходит: предложить следующему в листе</translation>
    </message>
</context>
<context>
    <name>OfferPrompt</name>
    <message>
        <source>&lt;b&gt;Waiting list&lt;/b&gt;: a time has become free</source>
        <translation>&lt;b&gt;Лист ожидания&lt;/b&gt;: освободилось время</translation>
    </message>
    <message>
        <source>…and {n} more on the Waiting list tab</source>
        <translation>…и ещё {n} на вкладке «Лист ожидания»</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Развернуть</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Свернуть</translation>
    </message>
    <message>
        <source>Show the offers</source>
        <translation>Показать предложения</translation>
    </message>
    <message>
        <source>Fold the offers into one line</source>
        <translation>Свернуть предложения в одну строку</translation>
    </message>
    <message>
        <source>&lt;b&gt;Waiting list&lt;/b&gt;: times offered, awaiting an answer: {n}</source>
        <translation>&lt;b&gt;Лист ожидания&lt;/b&gt;: предложено время, ожидают ответа: {n}</translation>
    </message>
</context>
<context>
    <name>OrganisationPicker</name>
    <message>
        <source>Name or ОГРН of the issuing organisation</source>
        <translation>Название или ОГРН направившей организации</translation>
    </message>
    <message>
        <source>New…</source>
        <translation>Новая…</translation>
    </message>
    <message>
        <source>exactly as on the document</source>
        <translation>точно как в документе</translation>
    </message>
    <message>
        <source>13 digits</source>
        <translation>13 цифр</translation>
    </message>
    <message>
        <source>Add to the directory</source>
        <translation>Добавить в справочник</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <source>ОГРН</source>
        <translation>ОГРН</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>ОГРН {ogrn}{address}</source>
        <translation>ОГРН {ogrn}{address}</translation>
    </message>
    <message>
        <source>Not chosen: pick one from the list</source>
        <translation>Не выбрана: выберите из списка</translation>
    </message>
</context>
<context>
    <name>OrganisationsModel</name>
    <message>
        <source>Name</source>
        <extracomment>How many organisations the table shows at most (the search narrows the rest). Tables whose changes may change the directory (``*`` = resynchronise everything).</extracomment>
        <translation>Название</translation>
    </message>
    <message>
        <source>ОГРН</source>
        <translation>ОГРН</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
</context>
<context>
    <name>OrganisationsTab</name>
    <message>
        <source>Name, a word of it, or the first digits of ОГРН</source>
        <extracomment>The organisation in the form; ``None`` while a new one is typed. True while a save is on the runner (a second Ctrl+S waits for it).</extracomment>
        <translation>Название, слово из него или первые цифры ОГРН</translation>
    </message>
    <message>
        <source>exactly as on the document</source>
        <translation>точно как в документе</translation>
    </message>
    <message>
        <source>13 digits</source>
        <translation>13 цифр</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Новая</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>Сохранить (Ctrl+S)</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Your role ({role}) may not change the directory</source>
        <translation>Ваша роль ({role}) не позволяет изменять справочник</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>Организация</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <source>ОГРН</source>
        <translation>ОГРН</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>Organisations: {n}</source>
        <translation>Организаций: {n}</translation>
    </message>
    <message>
        <source>First {n} shown: type to narrow</source>
        <translation>Показаны первые {n}: уточните поиск</translation>
    </message>
    <message>
        <source>New organisation</source>
        <translation>Новая организация</translation>
    </message>
    <message>
        <source>Correcting</source>
        <translation>Исправление</translation>
    </message>
    <message>
        <source>«{name}» added to the directory</source>
        <translation>«{name}» добавлена в справочник</translation>
    </message>
    <message>
        <source>«{name}» saved</source>
        <translation>«{name}» сохранена</translation>
    </message>
    <message>
        <source>Remove the organisation</source>
        <translation>Удаление организации</translation>
    </message>
    <message>
        <source>Remove «{name}» (ОГРН {ogrn}) from the directory?</source>
        <translation>Удалить «{name}» (ОГРН {ogrn}) из справочника?</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>Оставить</translation>
    </message>
    <message>
        <source>«{name}» removed from the directory</source>
        <translation>«{name}» удалена из справочника</translation>
    </message>
</context>
<context>
    <name>OutboxTab</name>
    <message>
        <source>All statuses</source>
        <extracomment>Notices are gathered this long before the queue is read again. The statuses the filter offers (``CANCELLED`` covers an offer withdrawn too).</extracomment>
        <translation>Все статусы</translation>
    </message>
    <message>
        <source>All channels</source>
        <translation>Все каналы</translation>
    </message>
    <message>
        <source>Patient, phone or e-mail</source>
        <translation>Пациент, телефон или e-mail</translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation>Пока&amp;зать</translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation>П&amp;овторить</translation>
    </message>
    <message>
        <source>Queue the message not delivered again</source>
        <translation>Поставить недоставленное сообщение в очередь снова</translation>
    </message>
    <message>
        <source>&amp;Cancel the message</source>
        <translation>Отменить &amp;сообщение</translation>
    </message>
    <message>
        <source>The queued message is not sent</source>
        <translation>Сообщение из очереди не будет отправлено</translation>
    </message>
    <message>
        <source>From</source>
        <translation>С</translation>
    </message>
    <message>
        <source>To</source>
        <translation>по</translation>
    </message>
    <message>
        <source>Messages: {count}</source>
        <translation>Сообщений: {count}</translation>
    </message>
    <message>
        <source>(the newest; narrow the filters for more)</source>
        <translation>(последние; сузьте фильтры, чтобы увидеть другие)</translation>
    </message>
    <message>
        <source>Queued again: message {id}</source>
        <translation>Снова в очереди: сообщение {id}</translation>
    </message>
    <message>
        <source>Cancelled: message {id}</source>
        <translation>Отменено: сообщение {id}</translation>
    </message>
    <message>
        <source>Choose a message in the table</source>
        <translation>Выберите сообщение в таблице</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>New password for {login}</source>
        <translation>Новый пароль для {login}</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <source>R&amp;epeat:</source>
        <translation>П&amp;овтор:</translation>
    </message>
</context>
<context>
    <name>PatientFormDialog</name>
    <message>
        <source>Save (Enter)</source>
        <translation>Сохранить (Enter)</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Закрыть (Esc)</translation>
    </message>
    <message>
        <source>Patient: find and choose one, or add a new card</source>
        <translation>Пациент: найдите и выберите пациента или заведите новую карту</translation>
    </message>
    <message>
        <source>Add to the waiting list</source>
        <translation>Добавить в лист ожидания</translation>
    </message>
    <message>
        <source>— choose the specialty —</source>
        <translation>— выберите специальность —</translation>
    </message>
    <message>
        <source>e.g. only mornings; call after 18:00</source>
        <translation>например: только утром; звонить после 18:00</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>Wished from</source>
        <translation>Желаемые даты с</translation>
    </message>
    <message>
        <source>Wished to</source>
        <translation>Желаемые даты по</translation>
    </message>
    <message>
        <source>Contact by</source>
        <translation>Способ связи</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Примечание</translation>
    </message>
    <message>
        <source>— any doctor of the specialty —</source>
        <translation>— любой врач этой специальности —</translation>
    </message>
    <message>
        <source>New priority request</source>
        <translation>Новая приоритетная заявка</translation>
    </message>
    <message>
        <source>— not known yet —</source>
        <translation>— пока неизвестна —</translation>
    </message>
    <message>
        <source>Why it cannot wait: the diagnosis, the referring doctor&apos;s words, test results</source>
        <translation>Почему нельзя ждать: диагноз, слова направившего врача, результаты анализов</translation>
    </message>
    <message>
        <source>Reason for urgency</source>
        <translation>Причина срочности</translation>
    </message>
</context>
<context>
    <name>PatientFormWidget</name>
    <message>
        <source>+7 (916) 123-45-67 or 8 916 123 45 67</source>
        <translation>+7 (916) 123-45-67 или 8 916 123 45 67</translation>
    </message>
    <message>
        <source>name@example.ru</source>
        <translation>name@example.ru</translation>
    </message>
    <message>
        <source>16 digits of the ENP</source>
        <translation>16 цифр ЕНП</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>Контакты</translation>
    </message>
    <message>
        <source>Identity documents</source>
        <translation>Документы</translation>
    </message>
    <message>
        <source>OMS policy</source>
        <translation>Полис ОМС</translation>
    </message>
</context>
<context>
    <name>PatientPicker</name>
    <message>
        <source>Patient: last name, «Ivanov I P», birth date or phone</source>
        <translation>Пациент: фамилия, «Иванов И П», дата рождения или телефон</translation>
    </message>
    <message>
        <source>New patient (Ctrl+N)</source>
        <translation>Новый пациент (Ctrl+N)</translation>
    </message>
    <message>
        <source>No patient chosen yet</source>
        <translation>Пациент ещё не выбран</translation>
    </message>
    <message>
        <source>Patient: &lt;b&gt;{name}&lt;/b&gt;</source>
        <translation>Пациент: &lt;b&gt;{name}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>The new patient below will be created</source>
        <translation>Будет создан новый пациент (карта ниже)</translation>
    </message>
    <message>
        <source>No patient found: check the spelling or create a new card</source>
        <translation>Никого не нашли: проверьте написание или создайте новую карту</translation>
    </message>
    <message>
        <source>Only the first {n} are shown: type more to narrow the search</source>
        <translation>Показаны первые {n}: уточните поиск</translation>
    </message>
</context>
<context>
    <name>PatientPriorityModel</name>
    <message>
        <source>Asked on</source>
        <translation>Дата заявки</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Reason for urgency</source>
        <translation>Причина срочности</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Решение</translation>
    </message>
    <message>
        <source>Appointment</source>
        <translation>Запись</translation>
    </message>
</context>
<context>
    <name>PatientQueuesPanel</name>
    <message>
        <source>Priority requests</source>
        <translation>Приоритетные заявки</translation>
    </message>
    <message>
        <source>Waiting list</source>
        <translation>Лист ожидания</translation>
    </message>
    <message>
        <source>Priority requests ({n})</source>
        <translation>Приоритетные заявки ({n})</translation>
    </message>
    <message>
        <source>Waiting list ({n})</source>
        <translation>Лист ожидания ({n})</translation>
    </message>
</context>
<context>
    <name>PatientSearchModel</name>
    <message>
        <source>Full name</source>
        <extracomment>``Qt.UserRole`` returns the row&apos;s :class:`PatientHit`.</extracomment>
        <translation>ФИО</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Дата рождения</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>SNILS</source>
        <translation>СНИЛС</translation>
    </message>
    <message>
        <source>OMS policy</source>
        <translation>Полис ОМС</translation>
    </message>
</context>
<context>
    <name>PatientWaitingModel</name>
    <message>
        <source>Specialty or doctor</source>
        <translation>Специальность или врач</translation>
    </message>
    <message>
        <source>Wished days</source>
        <translation>Желаемые даты</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Offered time</source>
        <translation>Предложенное время</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>В листе с</translation>
    </message>
</context>
<context>
    <name>PatientsPage</name>
    <message>
        <source>Patients</source>
        <translation>Пациенты</translation>
    </message>
    <message>
        <source>Last name, «Ivanov I P», birth date, phone, SNILS, ENP</source>
        <translation>Фамилия, «Иванов И П», дата рождения, телефон, СНИЛС, ЕНП</translation>
    </message>
    <message>
        <source>New patient (Ctrl+N)</source>
        <translation>Новый пациент (Ctrl+N)</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Импорт…</translation>
    </message>
    <message>
        <source>Import patients&apos; cards from a CSV or XLSX file</source>
        <translation>Импорт карт пациентов из файла CSV или XLSX</translation>
    </message>
    <message>
        <source>New patient</source>
        <translation>Новый пациент</translation>
    </message>
    <message>
        <source>Nearest free time</source>
        <translation>Ближайшее свободное</translation>
    </message>
    <message>
        <source>, more below</source>
        <translation>, ниже есть ещё</translation>
    </message>
    <message>
        <source>Found: {count}{more}. Enter opens the card, ↓ goes to the list.</source>
        <translation>Найдено: {count}{more}. Enter открывает карту, ↓ — переход к списку.</translation>
    </message>
    <message>
        <source>Type a last name (typos are forgiven), «Ivanov I P», a birth date DD.MM.YYYY, a part of the phone number, a SNILS or an ENP.</source>
        <translation>Введите фамилию (опечатки не страшны), «Иванов И П», дату рождения ДД.ММ.ГГГГ, часть номера телефона, СНИЛС или ЕНП.</translation>
    </message>
    <message>
        <source>Check the spelling, or create a new card: Ctrl+N.</source>
        <translation>Проверьте написание или создайте новую карту: Ctrl+N.</translation>
    </message>
    <message>
        <source>Check the spelling.</source>
        <translation>Проверьте написание.</translation>
    </message>
    <message>
        <source>Nobody found</source>
        <translation>Никого не нашли</translation>
    </message>
    <message>
        <source>Find the patient first, then Ctrl+F</source>
        <translation>Сначала найдите пациента, затем Ctrl+F</translation>
    </message>
    <message>
        <source>Import patients</source>
        <translation>Импорт пациентов</translation>
    </message>
    <message>
        <source>Tables (*.csv *.xlsx)</source>
        <translation>Таблицы (*.csv *.xlsx)</translation>
    </message>
</context>
<context>
    <name>PaymentDialog</name>
    <message>
        <source>Payment</source>
        <extracomment>The last payment taken here (its receipt is offered). The last receipt&apos;s print dialog opened.</extracomment>
        <translation>Оплата</translation>
    </message>
    <message>
        <source>Reading the visit…</source>
        <translation>Читаю приём…</translation>
    </message>
    <message>
        <source>Service:</source>
        <translation>Услуга:</translation>
    </message>
    <message>
        <source>Price:</source>
        <translation>Цена:</translation>
    </message>
    <message>
        <source>Paid:</source>
        <translation>Оплачено:</translation>
    </message>
    <message>
        <source>Left to pay:</source>
        <translation>Осталось оплатить:</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Статус:</translation>
    </message>
    <message>
        <source>roubles, e.g. 1500.50</source>
        <translation>рубли, например 1500,50</translation>
    </message>
    <message>
        <source>Take the payment</source>
        <translation>Принять оплату</translation>
    </message>
    <message>
        <source>Amount:</source>
        <translation>Сумма:</translation>
    </message>
    <message>
        <source>Method:</source>
        <translation>Способ:</translation>
    </message>
    <message>
        <source>Take a payment</source>
        <translation>Принять оплату</translation>
    </message>
    <message>
        <source>№</source>
        <translation>№</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Способ</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Кто</translation>
    </message>
    <message>
        <source>Refund reason / left to return</source>
        <translation>Причина возврата / можно вернуть</translation>
    </message>
    <message>
        <source>Receipt…</source>
        <translation>Квитанция…</translation>
    </message>
    <message>
        <source>Why the money is returned (required)</source>
        <translation>Почему возвращаются деньги (обязательно)</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>Вернуть</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>Причина:</translation>
    </message>
    <message>
        <source>Refund the chosen payment (manager)</source>
        <translation>Возврат выбранной оплаты (руководитель)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>Payments and refunds of the visit:</source>
        <translation>Оплаты и возвраты по приёму:</translation>
    </message>
    <message>
        <source>&lt;b&gt;{patient}&lt;/b&gt;, visit on {when}, doctor {doctor}</source>
        <translation>&lt;b&gt;{patient}&lt;/b&gt;, приём {when}, врач {doctor}</translation>
    </message>
    <message>
        <source>no service (nothing to pay)</source>
        <translation>услуга не указана (оплачивать нечего)</translation>
    </message>
    <message>
        <source>(returned {sum})</source>
        <translation>(возвращено {sum})</translation>
    </message>
    <message>
        <source>The patient has {points} bonus points; up to {payable} for this visit</source>
        <translation>У пациента {points} бонусных баллов; за этот приём можно списать до {payable}</translation>
    </message>
    <message>
        <source>The visit is cancelled: it takes no payment.</source>
        <translation>Приём отменён: оплату за него не принять.</translation>
    </message>
    <message>
        <source>refund of № {of}: {reason}</source>
        <translation>возврат по № {of}: {reason}</translation>
    </message>
    <message>
        <source>left to return {sum}</source>
        <translation>можно вернуть {sum}</translation>
    </message>
    <message>
        <source>Taken {amount} ({method}), payment № {id}.</source>
        <translation>Принято {amount} ({method}), оплата № {id}.</translation>
    </message>
    <message>
        <source>Print or save the receipt…</source>
        <translation>Напечатать или сохранить квитанцию…</translation>
    </message>
    <message>
        <source>Returned {amount} of payment № {of} (refund № {id}).</source>
        <translation>Возвращено {amount} по оплате № {of} (возврат № {id}).</translation>
    </message>
    <message>
        <source>Print or save the refund receipt…</source>
        <translation>Напечатать или сохранить квитанцию о возврате…</translation>
    </message>
    <message>
        <source>Receipt № {number}</source>
        <translation>Квитанция № {number}</translation>
    </message>
</context>
<context>
    <name>PlaceholderPage</name>
    <message>
        <source>This section is not built yet.</source>
        <translation>Этот раздел ещё не готов.</translation>
    </message>
    <message>
        <source>It will hold:</source>
        <translation>Здесь будут:</translation>
    </message>
</context>
<context>
    <name>PrintDialog</name>
    <message>
        <source>Print</source>
        <extracomment>Pages Qt&apos;s preview has painted so far (for tests and diagnostics).</extracomment>
        <translation>Печать</translation>
    </message>
    <message>
        <source>Preview and page setup…</source>
        <translation>Просмотр и параметры страницы…</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>Сохранить в PDF…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>Printer:</source>
        <translation>Принтер:</translation>
    </message>
    <message>
        <source>Paper:</source>
        <translation>Бумага:</translation>
    </message>
    <message>
        <source>Orientation:</source>
        <translation>Ориентация:</translation>
    </message>
    <message>
        <source>Copies:</source>
        <translation>Копий:</translation>
    </message>
    <message>
        <source>No printers installed</source>
        <translation>Принтеры не установлены</translation>
    </message>
    <message>
        <source>A4 landscape</source>
        <translation>A4 альбомная</translation>
    </message>
    <message>
        <source>A4 portrait</source>
        <translation>A4 книжная</translation>
    </message>
    <message>
        <source>Preparing the document…</source>
        <translation>Готовим документ…</translation>
    </message>
    <message>
        <source>Pages: {count}</source>
        <translation>Страниц: {count}</translation>
    </message>
    <message>
        <source>No printer is installed on this computer: save the PDF instead.</source>
        <translation>На этом компьютере нет принтера: сохраните PDF.</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>Печатаем…</translation>
    </message>
    <message>
        <source>The printer refused the job ({reason}).</source>
        <translation>Принтер не принял задание ({reason}).</translation>
    </message>
    <message>
        <source>Sent to the printer: {pages} page(s).</source>
        <translation>Отправлено на принтер, страниц: {pages}.</translation>
    </message>
    <message>
        <source>Save as PDF</source>
        <translation>Сохранить в PDF</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>Документы PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Cannot write {path}: {reason}</source>
        <translation>Не удалось записать {path}: {reason}</translation>
    </message>
    <message>
        <source>Saved: {path}</source>
        <translation>Сохранено: {path}</translation>
    </message>
    <message>
        <source>Printing… the window closes when done.</source>
        <translation>Печатаем… окно закроется по окончании.</translation>
    </message>
</context>
<context>
    <name>PriorityBookingDialog</name>
    <message>
        <source>Book the priority request</source>
        <extracomment>How far ahead the dialog looks for free time.</extracomment>
        <translation>Запись по приоритетной заявке</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>Платный</translation>
    </message>
    <message>
        <source>Follow-up visit</source>
        <translation>Повторный прием</translation>
    </message>
    <message>
        <source>— choose the service —</source>
        <translation>— выберите услугу —</translation>
    </message>
    <message>
        <source>Doctor / time</source>
        <translation>Врач / время</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Кабинет</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Kind of visit</source>
        <translation>Вид приема</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Услуга</translation>
    </message>
    <message>
        <source>no price</source>
        <translation>нет цены</translation>
    </message>
    <message>
        <source>{minutes} min</source>
        <translation>{minutes} мин</translation>
    </message>
    <message>
        <source>Looking for free time…</source>
        <translation>Ищем свободное время…</translation>
    </message>
    <message>
        <source>No free time of this specialty in the next two weeks.</source>
        <translation>В ближайшие две недели свободного времени у врачей этой специальности нет.</translation>
    </message>
    <message>
        <source>Service: a paid or follow-up visit needs its service</source>
        <translation>Услуга: у платного или повторного приема должна быть услуга</translation>
    </message>
</context>
<context>
    <name>PriorityTab</name>
    <message>
        <source>Show decided</source>
        <extracomment>Tables whose changes may change the queue (``*`` = resynchronise everything).</extracomment>
        <translation>Показывать решённые</translation>
    </message>
    <message>
        <source>New request…</source>
        <translation>Новая заявка…</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>Одобрить</translation>
    </message>
    <message>
        <source>Reject…</source>
        <translation>Отклонить…</translation>
    </message>
    <message>
        <source>Book…</source>
        <translation>Записать…</translation>
    </message>
    <message>
        <source>Book an appointment for the approved request</source>
        <translation>Записать пациента по одобренной заявке</translation>
    </message>
    <message>
        <source>Only a manager decides on priority requests (your role: {role})</source>
        <translation>Решение по приоритетным заявкам принимает менеджер (ваша роль: {role})</translation>
    </message>
    <message>
        <source>Your role ({role}) may not book appointments</source>
        <translation>Ваша роль ({role}) не позволяет записывать на приём</translation>
    </message>
    <message>
        <source>Why the request is rejected (required)</source>
        <translation>Почему заявка отклонена (обязательно)</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Отклонить</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Reason for the rejection</source>
        <translation>Причина отказа</translation>
    </message>
    <message>
        <source>Awaiting a decision: {pending} · to be booked: {approved}</source>
        <translation>Ждут решения: {pending} · ждут записи: {approved}</translation>
    </message>
    <message>
        <source>The request for {patient} is queued for a manager&apos;s decision</source>
        <translation>Заявка передана менеджеру на решение: {patient}</translation>
    </message>
    <message>
        <source>Approved: {patient}. Book the appointment now?</source>
        <translation>Одобрено: {patient}. Записать на приём сейчас?</translation>
    </message>
    <message>
        <source>Book now</source>
        <translation>Записать сейчас</translation>
    </message>
    <message>
        <source>Rejected: {patient}</source>
        <translation>Отклонено: {patient}</translation>
    </message>
    <message>
        <source>Booked: {patient}</source>
        <translation>Записан(а): {patient}</translation>
    </message>
</context>
<context>
    <name>PriorityTableModel</name>
    <message>
        <source>Patient</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Reason for urgency</source>
        <translation>Причина срочности</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Waits</source>
        <translation>Ждёт</translation>
    </message>
    <message>
        <source>Asked by</source>
        <translation>Кто подал</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Решение</translation>
    </message>
    <message>
        <source>Appointment</source>
        <translation>Запись</translation>
    </message>
    <message>
        <source>Asked on {date}</source>
        <translation>Заявка подана {date}</translation>
    </message>
</context>
<context>
    <name>ProfileForm</name>
    <message>
        <source>as on the licence</source>
        <translation>как в лицензии</translation>
    </message>
    <message>
        <source>13 digits</source>
        <translation>13 цифр</translation>
    </message>
</context>
<context>
    <name>QueueTab</name>
    <message>
        <source>Choose a rating to answer</source>
        <translation>Выберите оценку, на которую нужно ответить</translation>
    </message>
    <message>
        <source>what was done: the call to the patient, the apology, the measures taken</source>
        <translation>что сделано: звонок пациенту, извинения, принятые меры</translation>
    </message>
    <message>
        <source>Record the answer</source>
        <translation>Записать ответ</translation>
    </message>
    <message>
        <source>{rating} from {patient}: {comment}</source>
        <translation>{rating} от пациента {patient}: {comment}</translation>
    </message>
    <message>
        <source>a patient</source>
        <translation>без имени</translation>
    </message>
    <message>
        <source>no comment</source>
        <translation>без комментария</translation>
    </message>
    <message>
        <source>The answer is recorded; the rating left the queue.</source>
        <translation>Ответ записан; оценка ушла из очереди.</translation>
    </message>
</context>
<context>
    <name>RatingDialog</name>
    <message>
        <source>Patient&apos;s rating</source>
        <translation>Оценка пациента</translation>
    </message>
    <message>
        <source>Reading the patient&apos;s visits…</source>
        <translation>Читаются приёмы пациента…</translation>
    </message>
    <message>
        <source>A visit</source>
        <translation>Приём</translation>
    </message>
    <message>
        <source>A doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>The clinic</source>
        <translation>Клиника</translation>
    </message>
    <message>
        <source>1 — very bad</source>
        <translation>1 — очень плохо</translation>
    </message>
    <message>
        <source>2 — bad</source>
        <translation>2 — плохо</translation>
    </message>
    <message>
        <source>3 — so-so</source>
        <translation>3 — удовлетворительно</translation>
    </message>
    <message>
        <source>4 — good</source>
        <translation>4 — хорошо</translation>
    </message>
    <message>
        <source>5 — excellent</source>
        <translation>5 — отлично</translation>
    </message>
    <message>
        <source>what the patient said (optional)</source>
        <translation>что сказал пациент (необязательно)</translation>
    </message>
    <message>
        <source>Record the rating</source>
        <translation>Записать оценку</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>About</source>
        <translation>О чём</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>Приём</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>Оценка</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <source>Patient: {name}</source>
        <translation>Пациент: {name}</translation>
    </message>
    <message>
        <source>Patient not named</source>
        <translation>Пациент не указан</translation>
    </message>
    <message>
        <source>— choose the doctor —</source>
        <translation>— выберите врача —</translation>
    </message>
    <message>
        <source>The patient has no visits to rate</source>
        <translation>У пациента нет приёмов, которые можно оценить</translation>
    </message>
    <message>
        <source>The visits could not be read</source>
        <translation>Не удалось прочитать приёмы</translation>
    </message>
    <message>
        <source>Visit: choose the visit rated</source>
        <translation>Приём: выберите оцениваемый приём</translation>
    </message>
    <message>
        <source>Doctor: choose the doctor rated</source>
        <translation>Врач: выберите оцениваемого врача</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <source>Reason (required)</source>
        <translation>Причина (обязательно)</translation>
    </message>
</context>
<context>
    <name>ReferralDialog</name>
    <message>
        <source>New referral</source>
        <translation>Новое направление</translation>
    </message>
    <message>
        <source>Referral</source>
        <translation>Направление</translation>
    </message>
    <message>
        <source>as on the document, e.g. 0012345 or НП-0012</source>
        <translation>как в документе, например 0012345 или НП-0012</translation>
    </message>
    <message>
        <source>— choose —</source>
        <translation>— выберите —</translation>
    </message>
    <message>
        <source>{name} (no doctor here)</source>
        <translation>{name} (нет врача в клинике)</translation>
    </message>
    <message>
        <source>МКБ-10, e.g. I10 or K29.7</source>
        <translation>МКБ-10, например I10 или K29.7</translation>
    </message>
    <message>
        <source> days</source>
        <translation> дн.</translation>
    </message>
    <message>
        <source>who signed it (optional)</source>
        <translation>кто подписал (необязательно)</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>Кем выдано</translation>
    </message>
    <message>
        <source>Issue date</source>
        <translation>Дата выдачи</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>To specialty</source>
        <translation>К специалисту</translation>
    </message>
    <message>
        <source>Diagnosis</source>
        <translation>Диагноз</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <source>Valid (emergency)</source>
        <translation>Срок (экстренное)</translation>
    </message>
    <message>
        <source>Issuing doctor</source>
        <translation>Направивший врач</translation>
    </message>
    <message>
        <source>Save (Ctrl+Enter)</source>
        <translation>Сохранить (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Сохранение…</translation>
    </message>
</context>
<context>
    <name>ReferralTableModel</name>
    <message>
        <source>Number</source>
        <extracomment>Background of a referral with ≤ 5 days left and no appointment. Text of a referral that can no longer be used.</extracomment>
        <translation>Номер</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>Кем выдано</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Diagnosis</source>
        <translation>Диагноз</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>Выдано</translation>
    </message>
    <message>
        <source>Valid to</source>
        <translation>Действует до</translation>
    </message>
    <message>
        <source>Days left</source>
        <translation>Осталось дней</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Appointment</source>
        <translation>Запись</translation>
    </message>
    <message>
        <source>{days} days left and no appointment yet</source>
        <translation>Осталось дней: {days}, а записи ещё нет</translation>
    </message>
</context>
<context>
    <name>ReferralsModel</name>
    <message>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>Кем выдано</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Issued on</source>
        <translation>Дата выдачи</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>Действует по</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
</context>
<context>
    <name>ReferralsPage</name>
    <message>
        <source>Waiting list</source>
        <translation>Лист ожидания</translation>
    </message>
    <message>
        <source>Priority requests</source>
        <translation>Приоритетная запись</translation>
    </message>
    <message>
        <source>Registry</source>
        <translation>Реестр</translation>
    </message>
    <message>
        <source>Book by referral</source>
        <translation>Запись по направлению</translation>
    </message>
    <message>
        <source>Organisations</source>
        <translation>Организации</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>Талон</translation>
    </message>
</context>
<context>
    <name>RegisterTab</name>
    <message>
        <source>All doctors</source>
        <extracomment>The register opens on this many days up to today. The rating filter&apos;s «low» choice.</extracomment>
        <translation>Все врачи</translation>
    </message>
    <message>
        <source>Any rating</source>
        <translation>Любая оценка</translation>
    </message>
    <message>
        <source>Low (≤ 2)</source>
        <translation>Низкие (≤ 2)</translation>
    </message>
    <message>
        <source>About anything</source>
        <translation>О чём угодно</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>Приёмы</translation>
    </message>
    <message>
        <source>Doctors</source>
        <translation>Врачи</translation>
    </message>
    <message>
        <source>The clinic</source>
        <translation>Клиника</translation>
    </message>
    <message>
        <source>Answered or not</source>
        <translation>С ответом и без</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>С ответом</translation>
    </message>
    <message>
        <source>Not answered</source>
        <translation>Без ответа</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Показать</translation>
    </message>
    <message>
        <source>Import from a file…</source>
        <translation>Импорт из файла…</translation>
    </message>
    <message>
        <source>Ratings from a CSV or XLSX file, e.g. the patients&apos; app&apos;s export</source>
        <translation>Оценки из файла CSV или XLSX, например выгрузки приложения для пациентов</translation>
    </message>
    <message>
        <source>From</source>
        <extracomment>The last import&apos;s result box (for tests).</extracomment>
        <translation>С</translation>
    </message>
    <message>
        <source>to</source>
        <translation>по</translation>
    </message>
    <message>
        <source>Ratings: {count} · average {average} · waiting for an answer: {waiting}</source>
        <translation>Оценок: {count} · средняя {average} · ждут ответа: {waiting}</translation>
    </message>
    <message>
        <source>Import ratings</source>
        <translation>Импорт оценок</translation>
    </message>
    <message>
        <source>Tables (*.csv *.xlsx *.txt)</source>
        <translation>Таблицы (*.csv *.xlsx *.txt)</translation>
    </message>
    <message>
        <source>{file}: {total} rows; imported {imported}, already present {present}, rejected {rejected}</source>
        <translation>{file}: строк {total}; добавлено {imported}, уже есть {present}, отклонено {rejected}</translation>
    </message>
    <message>
        <source>row {row}: {field}: {reason}</source>
        <translation>строка {row}: {field}: {reason}</translation>
    </message>
</context>
<context>
    <name>RegistryTab</name>
    <message>
        <source>Number…</source>
        <extracomment>The most rows shown; past it a hint asks for a narrower filter. The referral to choose when the table is next read (one the search found).</extracomment>
        <translation>Номер…</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Любой статус</translation>
    </message>
    <message>
        <source>All specialties</source>
        <translation>Все специальности</translation>
    </message>
    <message>
        <source>Organisation…</source>
        <translation>Организация…</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>Выдано</translation>
    </message>
    <message>
        <source>≤ 5 days left, no appointment</source>
        <translation>≤ 5 дней, без записи</translation>
    </message>
    <message>
        <source>New referral (Ctrl+N)</source>
        <translation>Новое направление (Ctrl+N)</translation>
    </message>
    <message>
        <source>Correct (F2)</source>
        <translation>Исправить (F2)</translation>
    </message>
    <message>
        <source>Book by it (Enter)</source>
        <translation>Записать по нему (Enter)</translation>
    </message>
    <message>
        <source>Extend…</source>
        <translation>Продлить…</translation>
    </message>
    <message>
        <source>Cancel referral…</source>
        <translation>Аннулировать…</translation>
    </message>
    <message>
        <source>Referrals: {count}</source>
        <translation>Направлений: {count}</translation>
    </message>
    <message>
        <source>Showing the first {count} — narrow the filter</source>
        <translation>Показаны первые {count} — уточните фильтр</translation>
    </message>
    <message>
        <source>&lt;b&gt;№ {number}&lt;/b&gt; — {patient}; to {specialty}, diagnosis {diagnosis}</source>
        <translation>&lt;b&gt;№ {number}&lt;/b&gt; — {patient}; к специалисту: {specialty}, диагноз {diagnosis}</translation>
    </message>
    <message>
        <source>Issued {issued} by {organisation} (ОГРН {ogrn}){doctor}; valid until {last}, {status}</source>
        <translation>Выдано {issued}: {organisation} (ОГРН {ogrn}){doctor}; действует до {last}, {status}</translation>
    </message>
    <message>
        <source>Cancelled: {reason}</source>
        <translation>Аннулировано: {reason}</translation>
    </message>
    <message>
        <source>Extended {when} by {who}: {old} → {new}. Reason: {reason}</source>
        <translation>Продлено {when} ({who}): {old} → {new}. Причина: {reason}</translation>
    </message>
    <message>
        <source>Appointment {when}, {doctor}: {status}</source>
        <translation>Приём {when}, {doctor}: {status}</translation>
    </message>
    <message>
        <source>No appointment made on it yet.</source>
        <translation>Приёмов по нему ещё не было.</translation>
    </message>
    <message>
        <source>Referral {number} saved: valid until {last}</source>
        <translation>Направление {number} сохранено: действует до {last}</translation>
    </message>
    <message>
        <source>Book by it</source>
        <translation>Записать по нему</translation>
    </message>
    <message>
        <source>Cancel referral {number}</source>
        <translation>Аннулирование направления {number}</translation>
    </message>
    <message>
        <source>The referral cannot be used after this. Why is it cancelled?</source>
        <translation>После этого направлением нельзя будет воспользоваться. Почему оно аннулируется?</translation>
    </message>
    <message>
        <source>Referral {number} cancelled</source>
        <translation>Направление {number} аннулировано</translation>
    </message>
    <message>
        <source>Referral {number} extended until {last}</source>
        <translation>Направление {number} продлено до {last}</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <source>Reports and the dashboard are available to managers.</source>
        <extracomment>The desk&apos;s shift report (registrars and managers).</extracomment>
        <translation>Отчёты и сводка доступны руководителям.</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>Смена</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Сводка</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Отчёты</translation>
    </message>
</context>
<context>
    <name>ReportsTab</name>
    <message>
        <source>all</source>
        <extracomment>The folder of the last export, remembered per workstation (``workstation.ini``).</extracomment>
        <translation>все</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>Отчёт</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Период</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>Филиал</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Вид записи</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Предпросмотр</translation>
    </message>
    <message>
        <source>Export to Excel…</source>
        <translation>Выгрузить в Excel…</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>Лист</translation>
    </message>
    <message>
        <source>Computing the preview…</source>
        <translation>Готовится предпросмотр…</translation>
    </message>
    <message>
        <source>Save the report</source>
        <translation>Сохранить отчёт</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Книги Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>«{title}» saved: {path} ({rows} rows)</source>
        <translation>«{title}» сохранён: {path} (строк: {rows})</translation>
    </message>
    <message>
        <source>Open the file</source>
        <translation>Открыть файл</translation>
    </message>
    <message>
        <source>Open the folder</source>
        <translation>Открыть папку</translation>
    </message>
    <message>
        <source>The export was cancelled; no file was written.</source>
        <translation>Выгрузка отменена; файл не записан.</translation>
    </message>
    <message>
        <source>Cannot open {path}</source>
        <translation>Не удалось открыть {path}</translation>
    </message>
</context>
<context>
    <name>RoleDialog</name>
    <message>
        <source>Role of {login}</source>
        <translation>Роль пользователя {login}</translation>
    </message>
    <message>
        <source>User:</source>
        <translation>Пользователь:</translation>
    </message>
</context>
<context>
    <name>ScanDialog</name>
    <message>
        <source>Ticket No. {number}</source>
        <translation>Талон № {number}</translation>
    </message>
    <message>
        <source>born {date}</source>
        <translation>дата рождения {date}</translation>
    </message>
    <message>
        <source>, room {number}</source>
        <translation>, кабинет {number}</translation>
    </message>
    <message>
        <source>{day} {start}–{end}, {doctor} ({specialty}){room}</source>
        <translation>{day} {start}–{end}, {doctor} ({specialty}){room}</translation>
    </message>
    <message>
        <source>Status: {status}</source>
        <translation>Статус: {status}</translation>
    </message>
    <message>
        <source>Check in</source>
        <translation>Отметить приход</translation>
    </message>
    <message>
        <source>Open the patient&apos;s card</source>
        <translation>Открыть карточку пациента</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>{patient} is checked in for {time}.</source>
        <translation>Приход отмечен: {patient}, приём в {time}.</translation>
    </message>
</context>
<context>
    <name>ScheduleActions</name>
    <message>
        <source>Move to another doctor?</source>
        <extracomment>The keys of the block&apos;s menu items as the menu names them (the grid sends the keys to :meth:`ScheduleActions.run_shortcut`). Where «undo a mistaken status» steps back to (visit_status.UNDO, read forwards). The open question (another doctor? a reason?), for tests and for closing. The last print dialog opened (tickets or a day list). The last «Payment» dialog opened. The last rating dialog opened from a visit.</extracomment>
        <translation>Перенести к другому врачу?</translation>
    </message>
    <message>
        <source>Move {patient} to {doctor} ({specialty}) at {time}?</source>
        <translation>Перенести запись: {patient} → {doctor} ({specialty}), {time}?</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>Перенести</translation>
    </message>
    <message>
        <source>Do not move</source>
        <translation>Не переносить</translation>
    </message>
    <message>
        <source>Less than 24 hours before the appointment</source>
        <translation>До приёма меньше 24 часов</translation>
    </message>
    <message>
        <source>The appointment starts in less than 24 hours. As a manager you may still move it: why?</source>
        <translation>До приёма меньше 24 часов. Как менеджер вы можете перенести запись — укажите причину.</translation>
    </message>
    <message>
        <source>{message}. Nearest free: {doctor}, {time}</source>
        <translation>{message}. Ближайшее свободное время: {doctor}, {time}</translation>
    </message>
    <message>
        <source>{patient}, {time}: the appointment is cancelled</source>
        <translation>{patient}, {time}: запись отменена</translation>
    </message>
    <message>
        <source>{patient}, {time}: marked «{status}»</source>
        <translation>{patient}, {time}: отмечено «{status}»</translation>
    </message>
    <message>
        <source>{patient}, {time}: «{old}» undone, back to «{status}»</source>
        <translation>{patient}, {time}: «{old}» отменено, снова «{status}»</translation>
    </message>
    <message>
        <source>Undo a mistaken status</source>
        <translation>Отменить ошибочный статус</translation>
    </message>
    <message>
        <source>Set «{old}» back to «{new}»: why?</source>
        <translation>Вернуть статус «{old}» к «{new}» — укажите причину.</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>Неявка</translation>
    </message>
    <message>
        <source>Only on the day of the visit, {date}</source>
        <translation>Только в день визита, {date}</translation>
    </message>
    <message>
        <source>Arrived (check in)</source>
        <translation>Пришёл</translation>
    </message>
    <message>
        <source>At the doctor&apos;s</source>
        <translation>На приёме</translation>
    </message>
    <message>
        <source>Visit completed</source>
        <translation>Приём завершён</translation>
    </message>
    <message>
        <source>Cancel…</source>
        <translation>Отменить…</translation>
    </message>
    <message>
        <source>Move…</source>
        <translation>Перенести…</translation>
    </message>
    <message>
        <source>Undo a mistaken status…</source>
        <translation>Отменить ошибочный статус…</translation>
    </message>
    <message>
        <source>Your own mark only; otherwise ask a manager</source>
        <translation>Только свою отметку; иначе попросите менеджера</translation>
    </message>
    <message>
        <source>Payment…</source>
        <translation>Оплата…</translation>
    </message>
    <message>
        <source>Appointment history…</source>
        <translation>История записи…</translation>
    </message>
    <message>
        <source>Open the patient&apos;s card</source>
        <translation>Открыть карту пациента</translation>
    </message>
    <message>
        <source>Record the patient&apos;s rating…</source>
        <translation>Записать оценку пациента…</translation>
    </message>
    <message>
        <source>The registry and managers take payments</source>
        <translation>Оплату принимают регистратура и руководители</translation>
    </message>
    <message>
        <source>The registry checks patients in</source>
        <translation>Приход отмечает регистратура</translation>
    </message>
    <message>
        <source>The doctor marks this</source>
        <translation>Это отмечает врач</translation>
    </message>
    <message>
        <source>Only in your own schedule</source>
        <translation>Только в своём расписании</translation>
    </message>
    <message>
        <source>A no-show can be marked once the visit has begun ({time})</source>
        <translation>Неявку можно отметить, когда приём начался ({time})</translation>
    </message>
    <message>
        <source>Check the patient in first (F2)</source>
        <translation>Сначала отметьте приход пациента (F2)</translation>
    </message>
    <message>
        <source>Mark «At the doctor&apos;s» first (F3)</source>
        <translation>Сначала отметьте «На приёме» (F3)</translation>
    </message>
    <message>
        <source>Only a booked visit can be cancelled; this one is «{status}»</source>
        <translation>Отменить можно только запись со статусом «записан»; у этой — «{status}»</translation>
    </message>
    <message>
        <source>Not possible for this appointment ({status})</source>
        <translation>Для этой записи сейчас нельзя (статус: {status})</translation>
    </message>
    <message>
        <source>Ticket: {patient}</source>
        <translation>Талон: {patient}</translation>
    </message>
    <message>
        <source>Tickets for {day}</source>
        <translation>Талоны на {day}</translation>
    </message>
    <message>
        <source>Day list for {day}</source>
        <translation>Список приёма на {day}</translation>
    </message>
    <message>
        <source>Print ticket…</source>
        <translation>Печать талона…</translation>
    </message>
    <message>
        <source>A cancelled, moved or missed appointment has no ticket to print.</source>
        <translation>Для отменённой, перенесённой или пропущенной записи талон не печатается.</translation>
    </message>
    <message>
        <source>Print the doctor&apos;s tickets for the day…</source>
        <translation>Печать талонов врача на день…</translation>
    </message>
    <message>
        <source>Print the doctor&apos;s day list…</source>
        <translation>Печать списка приёма врача…</translation>
    </message>
    <message>
        <source>Print the day list of all doctors…</source>
        <translation>Печать списка приёма всех врачей…</translation>
    </message>
</context>
<context>
    <name>ScheduleGrid</name>
    <message>
        <source>{absence} until {date}</source>
        <extracomment>How often the red &quot;now&quot; line and the no-show markers move on.</extracomment>
        <translation>{absence} до {date}</translation>
    </message>
    <message>
        <source>Loading the chosen day…</source>
        <translation>Загружается выбранный день…</translation>
    </message>
    <message>
        <source>OMS</source>
        <translation>ОМС</translation>
    </message>
    <message>
        <source>paid</source>
        <translation>платно</translation>
    </message>
    <message>
        <source>follow-up</source>
        <translation>повторно</translation>
    </message>
    <message>
        <source>telemed.</source>
        <translation>телемед.</translation>
    </message>
    <message>
        <source>not working</source>
        <translation>не работает</translation>
    </message>
    <message>
        <source>room {room}</source>
        <translation>каб. {room}</translation>
    </message>
    <message>
        <source>born {date}</source>
        <translation>д. р. {date}</translation>
    </message>
    <message>
        <source>referral № {number}</source>
        <translation>направление № {number}</translation>
    </message>
    <message>
        <source>Status: {status}</source>
        <translation>Статус: {status}</translation>
    </message>
    <message>
        <source>Payment: {status}</source>
        <translation>Оплата: {status}</translation>
    </message>
    <message>
        <source>The time has passed: mark as a no-show?</source>
        <translation>Время прошло: отметить неявку?</translation>
    </message>
    <message>
        <source>Overbooked (over a taken slot)</source>
        <translation>Сверх записи (на занятое время)</translation>
    </message>
    <message>
        <source>In the holding tray: the doctor is not available, move it</source>
        <translation>В листе переноса: врач недоступен, перенесите запись</translation>
    </message>
    <message>
        <source>Book at {time}…</source>
        <translation>Записать на {time}…</translation>
    </message>
    <message>
        <source>Week of {doctor}</source>
        <translation>Неделя: {doctor}</translation>
    </message>
    <message>
        <source>Move column left</source>
        <translation>Сдвинуть столбец влево</translation>
    </message>
    <message>
        <source>Move column right</source>
        <translation>Сдвинуть столбец вправо</translation>
    </message>
</context>
<context>
    <name>SchedulePage</name>
    <message>
        <source>Schedule</source>
        <extracomment>Tables whose notices may change what the grid shows.</extracomment>
        <translation>Расписание</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <source>Today (Alt+Home)</source>
        <translation>Сегодня (Alt+Home)</translation>
    </message>
    <message>
        <source>A week back (Alt+Page Up)</source>
        <translation>Неделя назад (Alt+Page Up)</translation>
    </message>
    <message>
        <source>The day before (Alt+Left)</source>
        <translation>Предыдущий день (Alt+←)</translation>
    </message>
    <message>
        <source>The day after (Alt+Right)</source>
        <translation>Следующий день (Alt+→)</translation>
    </message>
    <message>
        <source>A week ahead (Alt+Page Down)</source>
        <translation>Неделя вперёд (Alt+Page Down)</translation>
    </message>
    <message>
        <source>The day shown: type it or pick it in the calendar</source>
        <translation>Показанный день: введите дату или выберите в календаре</translation>
    </message>
    <message>
        <source>All branches</source>
        <translation>Все филиалы</translation>
    </message>
    <message>
        <source>Show the doctors of one branch</source>
        <translation>Показать врачей одного филиала</translation>
    </message>
    <message>
        <source>All specialties</source>
        <translation>Все специальности</translation>
    </message>
    <message>
        <source>Show the doctors of one specialty</source>
        <translation>Показать врачей одной специальности</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>День</translation>
    </message>
    <message>
        <source>All doctors on one day</source>
        <translation>Все врачи за один день</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>Неделя</translation>
    </message>
    <message>
        <source>One doctor&apos;s week</source>
        <translation>Неделя одного врача</translation>
    </message>
    <message>
        <source>Whose week is shown</source>
        <translation>Чья неделя показана</translation>
    </message>
    <message>
        <source>Working only</source>
        <translation>Только работающие</translation>
    </message>
    <message>
        <source>Hide the doctors who do not work this day (the order stays)</source>
        <translation>Скрыть врачей, не работающих в этот день (порядок сохраняется)</translation>
    </message>
    <message>
        <source>Hours…</source>
        <translation>Часы работы…</translation>
    </message>
    <message>
        <source>The doctor&apos;s working hours and exceptions (Ctrl+H)</source>
        <translation>Часы работы врача и исключения (Ctrl+H)</translation>
    </message>
    <message>
        <source>Day list…</source>
        <translation>Список приёма…</translation>
    </message>
    <message>
        <source>Print the day list: the chosen doctor&apos;s, or every doctor&apos;s (Ctrl+P)</source>
        <translation>Печать списка приёма: выбранного врача или всех врачей (Ctrl+P)</translation>
    </message>
    <message>
        <source>Moved: {patient} → {doctor}, {time}</source>
        <translation>Перенесено: {patient} → {doctor}, {time}</translation>
    </message>
    <message>
        <source>Choose another time and press Enter, or Esc to leave it</source>
        <translation>Выберите другое время и нажмите Enter или Esc, чтобы оставить как есть</translation>
    </message>
    <message>
        <source>Moving {patient} ({time}): arrows — the new time, Alt+←/→ — another day, Enter — move, Esc — leave it</source>
        <translation>Перенос: {patient} ({time}) — стрелки: новое время, Alt+←/→: другой день, Enter: перенести, Esc: оставить</translation>
    </message>
    <message>
        <source>? the time has passed: no-show?</source>
        <translation>? время прошло: неявка?</translation>
    </message>
    <message>
        <source>◥ overbooked</source>
        <translation>◥ сверх записи</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Статус:</translation>
    </message>
    <message>
        <source>Stripe:</source>
        <translation>Вид (полоса):</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <source>Doctors: {doctors}, appointments: {appointments}</source>
        <translation>Врачей: {doctors}, записей: {appointments}</translation>
    </message>
    <message>
        <source>, in the holding tray: {count}</source>
        <translation>, в листе переноса: {count}</translation>
    </message>
</context>
<context>
    <name>SearchPopup</name>
    <message>
        <source>Search</source>
        <extracomment>The pause after the last key before the search is asked.</extracomment>
        <translation>Поиск</translation>
    </message>
    <message>
        <source>Patient, ticket, referral number, document, service, user…</source>
        <translation>Пациент, талон, номер направления, документ, услуга, пользователь…</translation>
    </message>
    <message>
        <source>Type a name, a ticket&apos;s code, a referral&apos;s number…</source>
        <translation>Введите фамилию, код талона, номер направления…</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Поиск…</translation>
    </message>
    <message>
        <source>Nothing found for «{text}»</source>
        <translation>По запросу «{text}» ничего не нашли</translation>
    </message>
</context>
<context>
    <name>ServiceChoiceDialog</name>
    <message>
        <source>Service of the visit</source>
        <translation>Услуга приема</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>Платный</translation>
    </message>
    <message>
        <source>Follow-up visit</source>
        <translation>Повторный прием</translation>
    </message>
    <message>
        <source>— choose the service —</source>
        <translation>— выберите услугу —</translation>
    </message>
    <message>
        <source>Prices on {day}</source>
        <translation>Цены на {day}</translation>
    </message>
    <message>
        <source>Kind of visit</source>
        <translation>Вид приема</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Услуга</translation>
    </message>
    <message>
        <source>{minutes} min</source>
        <translation>{minutes} мин</translation>
    </message>
    <message>
        <source>Service: a paid or follow-up visit needs its service</source>
        <translation>Услуга: у платного или повторного приема должна быть услуга</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Settings of this workstation</source>
        <translation>Настройки рабочего места</translation>
    </message>
    <message>
        <source>the --database option on the command line</source>
        <translation>параметр --database в командной строке</translation>
    </message>
    <message>
        <source>the CRM_DATABASE_URL environment variable</source>
        <translation>переменная окружения CRM_DATABASE_URL</translation>
    </message>
    <message>
        <source>database_url in the configuration file</source>
        <translation>параметр database_url в файле настроек</translation>
    </message>
    <message>
        <source>none configured: the built-in demo server</source>
        <translation>сервер не задан: встроенный демонстрационный сервер</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Подключение</translation>
    </message>
    <message>
        <source>Only an administrator changes the server address and the key file.</source>
        <translation>Адрес сервера и файл ключа меняет только администратор.</translation>
    </message>
    <message>
        <source>This start took the address from {source}, which wins over the saved one.</source>
        <translation>При этом запуске адрес взят из: {source} — это важнее сохранённого адреса.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <source>Interface language:</source>
        <translation>Язык интерфейса:</translation>
    </message>
    <message>
        <source>Printing in the whole clinic</source>
        <translation>Печать во всей клинике</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <source>The server address, the key file and the language take effect after a restart.</source>
        <translation>Адрес сервера, файл ключа и язык начнут действовать после перезапуска программы.</translation>
    </message>
    <message>
        <source>Saved in {path}. Restart the program for the change to take effect: {fields}.</source>
        <translation>Сохранено в {path}. Перезапустите программу, чтобы изменения вступили в силу: {fields}.</translation>
    </message>
    <message>
        <source>Saved: the printer and the paper are used from the next print.</source>
        <translation>Сохранено: принтер и бумага будут использованы при следующей печати.</translation>
    </message>
    <message>
        <source>Nothing to save: nothing was changed.</source>
        <translation>Сохранять нечего: ничего не изменено.</translation>
    </message>
    <message>
        <source>not loaded</source>
        <translation>не загружен</translation>
    </message>
    <message>
        <source>This start</source>
        <translation>Текущий запуск</translation>
    </message>
    <message>
        <source>Database server:</source>
        <translation>Сервер базы данных:</translation>
    </message>
    <message>
        <source>Setting taken from:</source>
        <translation>Откуда взят адрес:</translation>
    </message>
    <message>
        <source>Workstation:</source>
        <translation>Рабочее место:</translation>
    </message>
    <message>
        <source>Key fingerprint:</source>
        <translation>Отпечаток ключа:</translation>
    </message>
    <message>
        <source>Key file:</source>
        <translation>Файл ключа:</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Язык:</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>Версия:</translation>
    </message>
    <message>
        <source>Registratura {version} (Qt {qt}, PySide6 {pyside})</source>
        <translation>Регистратура {version} (Qt {qt}, PySide6 {pyside})</translation>
    </message>
    <message>
        <source>Configuration file:</source>
        <translation>Файл настроек:</translation>
    </message>
    <message>
        <source>Working with the clinic&apos;s server</source>
        <translation>Работа с сервером клиники</translation>
    </message>
    <message>
        <source>start the program with &lt;code&gt;--database {url}&lt;/code&gt;, or</source>
        <translation>запустите программу с параметром &lt;code&gt;--database {url}&lt;/code&gt;, или</translation>
    </message>
    <message>
        <source>set the environment variable &lt;code&gt;CRM_DATABASE_URL&lt;/code&gt;, or</source>
        <translation>задайте переменную окружения &lt;code&gt;CRM_DATABASE_URL&lt;/code&gt;, или</translation>
    </message>
    <message>
        <source>write &lt;code&gt;database_url = &quot;{url}&quot;&lt;/code&gt; into {path}</source>
        <translation>запишите строку &lt;code&gt;database_url = &quot;{url}&quot;&lt;/code&gt; в файл {path}</translation>
    </message>
    <message>
        <source>Without a configured server the program runs its own built-in PostgreSQL with a demo clinic; it serves this computer only. To share one database between the front-desk workstations:</source>
        <translation>Если сервер не указан, программа запускает собственный встроенный PostgreSQL с демонстрационной клиникой; он обслуживает только этот компьютер. Чтобы все рабочие места регистратуры работали с одной базой:</translation>
    </message>
    <message>
        <source>The first of these that is set wins. Every workstation needs the same key file (copy it from the first one). Connect to PostgreSQL directly or through PgBouncer in session mode: transaction mode breaks change notices.</source>
        <translation>Действует первый из заданных способов. Всем рабочим местам нужен один и тот же файл ключа (скопируйте его с первого). Подключайтесь к PostgreSQL напрямую или через PgBouncer в режиме session: в режиме transaction уведомления об изменениях не работают.</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>Registratura: setting up the clinic</source>
        <translation>Регистратура: настройка клиники</translation>
    </message>
    <message>
        <source>The clinic</source>
        <translation>Клиника</translation>
    </message>
    <message>
        <source>The database is empty: this is a new clinic. Its details go on tickets, day lists and notices; an administrator can change them later under «Directories».</source>
        <translation>База данных пуста: это новая клиника. Её реквизиты печатаются на талонах, списках на день и в уведомлениях; позже их можно изменить в разделе «Справочники».</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <source>Latin letters</source>
        <translation>латинские буквы</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>ФИО</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>at least 8 characters</source>
        <translation>не короче 8 символов</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>Пароль ещё раз</translation>
    </message>
    <message>
        <source>The first administrator</source>
        <translation>Первый администратор</translation>
    </message>
    <message>
        <source>The administrator adds the other users (registrars, doctors, managers) and the clinic&apos;s directories.</source>
        <translation>Администратор добавляет остальных пользователей (регистраторов, врачей, менеджеров) и справочники клиники.</translation>
    </message>
    <message>
        <source>Set up</source>
        <translation>Настроить</translation>
    </message>
</context>
<context>
    <name>SeveralVisitsDialog</name>
    <message>
        <source>Pay several visits</source>
        <translation>Оплата нескольких приёмов</translation>
    </message>
    <message>
        <source>Pay</source>
        <translation>Оплатить</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>Method:</source>
        <translation>Способ:</translation>
    </message>
    <message>
        <source>Visits with money left to pay (tick those to pay):</source>
        <translation>Неоплаченные приёмы (отметьте те, что оплатить):</translation>
    </message>
    <message>
        <source>left {sum}</source>
        <translation>осталось {sum}</translation>
    </message>
    <message>
        <source>The patient has no unpaid visits.</source>
        <translation>Неоплаченных приёмов у пациента нет.</translation>
    </message>
    <message>
        <source>Total: {sum}</source>
        <translation>Итого: {sum}</translation>
    </message>
    <message>
        <source>Paid {count} visit(s), {sum}: payments № {ids}.</source>
        <translation>Оплачено приёмов: {count}, {sum}; оплаты № {ids}.</translation>
    </message>
</context>
<context>
    <name>ShiftTab</name>
    <message>
        <source>Show</source>
        <translation>Показать</translation>
    </message>
    <message>
        <source>Print or save as PDF…</source>
        <translation>Печать или PDF…</translation>
    </message>
    <message>
        <source>Save to Excel…</source>
        <translation>Сохранить в Excel…</translation>
    </message>
    <message>
        <source>Registrar</source>
        <translation>Регистратор</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Способ</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Оплат</translation>
    </message>
    <message>
        <source>Taken</source>
        <translation>Принято</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>Возвратов</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>Возвращено</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>За вычетом возвратов</translation>
    </message>
    <message>
        <source>Day:</source>
        <translation>День:</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Итого</translation>
    </message>
    <message>
        <source>Refunds: {list}</source>
        <translation>Возвраты: {list}</translation>
    </message>
    <message>
        <source>No refunds on this day.</source>
        <translation>В этот день возвратов не было.</translation>
    </message>
    <message>
        <source>Shift report for {day}</source>
        <translation>Отчёт за смену {day}</translation>
    </message>
    <message>
        <source>Shift {day}.xlsx</source>
        <translation>Смена {day}.xlsx</translation>
    </message>
    <message>
        <source>Save the shift report</source>
        <translation>Сохранить отчёт за смену</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Книги Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>Saved: {path}</source>
        <translation>Сохранено: {path}</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>Demo clinic created.</source>
        <translation>Демо-клиника создана.</translation>
    </message>
    <message>
        <source>The program cannot start.</source>
        <translation>Программа не может запуститься.</translation>
    </message>
    <message>
        <source>Cannot start</source>
        <translation>Ошибка запуска</translation>
    </message>
    <message>
        <source>The database address comes from {source}. Configuration file: {path}</source>
        <translation>Откуда взят адрес базы данных: {source}. Файл настроек: {path}</translation>
    </message>
    <message>
        <source>Connection settings…</source>
        <translation>Настройки подключения…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Запуск…</translation>
    </message>
</context>
<context>
    <name>StartupWindow</name>
    <message>
        <source>Starting</source>
        <translation>Запуск</translation>
    </message>
    <message>
        <source>Registratura</source>
        <translation>Регистратура</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Запуск…</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <source>built-in PostgreSQL ({path})</source>
        <extracomment>The server section&apos;s widest: a long data path must leave the bar room for the messages on its left (they were cut to «Демо-кли» beside a backup warning).</extracomment>
        <translation>встроенный PostgreSQL ({path})</translation>
    </message>
    <message>
        <source>Server: {server}</source>
        <translation>Сервер: {server}</translation>
    </message>
    <message>
        <source>Login: {login}</source>
        <translation>Логин: {login}</translation>
    </message>
    <message>
        <source>change notices off</source>
        <translation>уведомления об изменениях отключены</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>подключение…</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>подключено</translation>
    </message>
    <message>
        <source>Changes made at other workstations appear here at once.</source>
        <translation>Изменения с других рабочих мест появляются здесь сразу.</translation>
    </message>
    <message>
        <source>connection lost — reconnecting…</source>
        <translation>нет связи с сервером — переподключение…</translation>
    </message>
</context>
<context>
    <name>TelemedicineBox</name>
    <message>
        <source>Video consultations</source>
        <translation>Видеоконсультации</translation>
    </message>
    <message>
        <source>Each remote visit booked without a typed link gets its own room: {room} becomes a random name. Leave empty to type links by hand.</source>
        <translation>Каждый удалённый приём, записанный без введённой ссылки, получает свою комнату: {room} заменяется случайным именем. Оставьте пустым, чтобы вводить ссылки вручную.</translation>
    </message>
    <message>
        <source>Save the link</source>
        <translation>Сохранить ссылку</translation>
    </message>
    <message>
        <source>Video link of remote visits:</source>
        <translation>Ссылка видеосвязи удалённых приёмов:</translation>
    </message>
</context>
<context>
    <name>TemplateEditor</name>
    <message>
        <source>Weekly hours</source>
        <translation>Часы по дням недели</translation>
    </message>
    <message>
        <source>no end date</source>
        <translation>бессрочно</translation>
    </message>
    <message>
        <source>works on public holidays too</source>
        <translation>работает и в праздничные дни</translation>
    </message>
    <message>
        <source>Day of the week</source>
        <translation>День недели</translation>
    </message>
    <message>
        <source>From – to</source>
        <translation>С – по</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Кабинет</translation>
    </message>
    <message>
        <source>Valid from – to</source>
        <translation>Действует с – по</translation>
    </message>
    <message>
        <source>the doctor&apos;s own room</source>
        <translation>свой кабинет врача</translation>
    </message>
    <message>
        <source>New weekly hours</source>
        <translation>Новые часы работы</translation>
    </message>
    <message>
        <source>Change weekly hours</source>
        <translation>Изменение часов работы</translation>
    </message>
</context>
<context>
    <name>TemplatesTab</name>
    <message>
        <source>Subject</source>
        <extracomment>What was typed and not saved: subject, body and the version it was typed over (a text another desk saves meanwhile is not overwritten unasked).</extracomment>
        <translation>Тема</translation>
    </message>
    <message>
        <source>Insert a placeholder</source>
        <translation>Вставить подстановку</translation>
    </message>
    <message>
        <source>the next appointment</source>
        <translation>ближайший приём</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <source>Restore the standard text</source>
        <translation>Вернуть стандартный</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Текст</translation>
    </message>
    <message>
        <source>Preview with</source>
        <translation>Предпросмотр на приёме</translation>
    </message>
    <message>
        <source>e-mail</source>
        <translation>e-mail</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>own text</source>
        <translation>свой текст</translation>
    </message>
    <message>
        <source>standard</source>
        <translation>стандартный</translation>
    </message>
    <message>
        <source>the next appointment: {visit}</source>
        <translation>ближайший приём: {visit}</translation>
    </message>
    <message>
        <source>The standard text is sent</source>
        <translation>Отправляется стандартный текст</translation>
    </message>
    <message>
        <source>The clinic&apos;s own text, changed {when}</source>
        <translation>Свой текст клиники, изменён {when}</translation>
    </message>
    <message>
        <source>No appointment ahead to show the text with</source>
        <translation>Нет предстоящих приёмов, на которых можно показать текст</translation>
    </message>
    <message>
        <source>Subject: {subject}</source>
        <translation>Тема: {subject}</translation>
    </message>
    <message>
        <source>UCS-2 (Cyrillic)</source>
        <translation>UCS-2 (кириллица)</translation>
    </message>
    <message>
        <source>{count} characters · {encoding} · {parts} SMS</source>
        <translation>{count} симв. · {encoding} · {parts} SMS</translation>
    </message>
    <message>
        <source>the standard text</source>
        <translation>стандартный текст</translation>
    </message>
    <message>
        <source>{message}. Their text now: «{theirs}». Save again to keep yours.</source>
        <translation>{message}. Сейчас там: «{theirs}». Сохраните ещё раз, чтобы оставить свой.</translation>
    </message>
</context>
<context>
    <name>TicketFormatSetting</name>
    <message>
        <source>Printing</source>
        <translation>Печать</translation>
    </message>
    <message>
        <source>A workstation that chose a paper in its print dialog keeps its own.</source>
        <translation>Рабочее место, где бумагу выбрали в окне печати, сохраняет свой выбор.</translation>
    </message>
    <message>
        <source>Chosen by a manager or an administrator.</source>
        <translation>Выбирает менеджер или администратор.</translation>
    </message>
    <message>
        <source>Ticket paper (clinic default):</source>
        <translation>Бумага для талонов (по умолчанию в клинике):</translation>
    </message>
</context>
<context>
    <name>TicketScanner</name>
    <message>
        <source>Ticket not recognised</source>
        <translation>Талон не распознан</translation>
    </message>
</context>
<context>
    <name>UnsavedChangesBox</name>
    <message>
        <source>Unsaved changes</source>
        <translation>Несохранённые изменения</translation>
    </message>
    <message>
        <source>The card has unsaved changes. Close it and lose them?</source>
        <translation>В карте есть несохранённые изменения. Закрыть её без сохранения?</translation>
    </message>
    <message>
        <source>Close without saving</source>
        <translation>Закрыть без сохранения</translation>
    </message>
    <message>
        <source>Back to the card</source>
        <translation>Вернуться к карте</translation>
    </message>
</context>
<context>
    <name>UserDialog</name>
    <message>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>&amp;Роль:</translation>
    </message>
    <message>
        <source>— not a doctor —</source>
        <translation>— не врач —</translation>
    </message>
    <message>
        <source>&amp;Doctor:</source>
        <translation>&amp;Врач:</translation>
    </message>
</context>
<context>
    <name>UsersModel</name>
    <message>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>ФИО</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Роль</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Last login</source>
        <translation>Последний вход</translation>
    </message>
    <message>
        <source>deactivated</source>
        <translation>отключена</translation>
    </message>
    <message>
        <source>locked until {time}</source>
        <translation>заблокирована до {time}</translation>
    </message>
    <message>
        <source>active</source>
        <translation>действует</translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message>
        <source>Users</source>
        <translation>Пользователи</translation>
    </message>
    <message>
        <source>New user (Ctrl+N)</source>
        <translation>Новый пользователь (Ctrl+N)</translation>
    </message>
    <message>
        <source>Role… (Ctrl+R)</source>
        <translation>Роль… (Ctrl+R)</translation>
    </message>
    <message>
        <source>New password… (Ctrl+P)</source>
        <translation>Новый пароль… (Ctrl+P)</translation>
    </message>
    <message>
        <source>Unlock (Ctrl+U)</source>
        <translation>Разблокировать (Ctrl+U)</translation>
    </message>
    <message>
        <source>Deactivate (Ctrl+D)</source>
        <translation>Отключить (Ctrl+D)</translation>
    </message>
    <message>
        <source>Users are managed by an administrator.</source>
        <translation>Пользователями управляет администратор.</translation>
    </message>
    <message>
        <source>Reactivate (Ctrl+D)</source>
        <translation>Включить снова (Ctrl+D)</translation>
    </message>
    <message>
        <source>Choose a user in the table first.</source>
        <translation>Сначала выберите пользователя в таблице.</translation>
    </message>
    <message>
        <source>The user was created.</source>
        <translation>Пользователь создан.</translation>
    </message>
    <message>
        <source>The role of {login} was changed.</source>
        <translation>Роль пользователя {login} изменена.</translation>
    </message>
    <message>
        <source>The password of {login} was changed.</source>
        <translation>Пароль пользователя {login} изменён.</translation>
    </message>
    <message>
        <source>{login} was unlocked.</source>
        <translation>{login}: блокировка снята.</translation>
    </message>
    <message>
        <source>{login} was deactivated: no more logins.</source>
        <translation>{login}: учётная запись отключена, входить больше нельзя.</translation>
    </message>
    <message>
        <source>{login} was reactivated.</source>
        <translation>{login}: учётная запись снова включена.</translation>
    </message>
</context>
<context>
    <name>WaitingBooking</name>
    <message>
        <source>Booked from the waiting list: {patient} → {doctor}, {time} ({kind})</source>
        <extracomment>The waiting patients&apos; names by entry id (the panel&apos;s last reading).</extracomment>
        <translation>Записан(а) из листа ожидания: {patient} → {doctor}, {time} ({kind})</translation>
    </message>
    <message>
        <source>{patient}: {message}. Book a paid visit at {time}?</source>
        <translation>{patient}: {message}. Записать на платный приём {time}?</translation>
    </message>
    <message>
        <source>Book as paid</source>
        <translation>Записать платно</translation>
    </message>
    <message>
        <source>Do not book</source>
        <translation>Не записывать</translation>
    </message>
</context>
<context>
    <name>WaitingLabels</name>
    <message>
        <source>phone call</source>
        <extracomment>Background of an entry with a time offered and not answered yet. Background of a request waiting for the manager&apos;s decision.</extracomment>
        <translation>звонок</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>e-mail</source>
        <translation>эл. почта</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>ожидает</translation>
    </message>
    <message>
        <source>time offered</source>
        <translation>предложено время</translation>
    </message>
    <message>
        <source>booked</source>
        <translation>записан</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>удалён из листа</translation>
    </message>
    <message>
        <source>{n} d</source>
        <translation>{n} дн.</translation>
    </message>
    <message>
        <source>{n} h</source>
        <translation>{n} ч</translation>
    </message>
    <message>
        <source>&lt; 1 h</source>
        <translation>&lt; 1 ч</translation>
    </message>
</context>
<context>
    <name>WaitingListTab</name>
    <message>
        <source>Waiting or offered</source>
        <extracomment>Tables whose changes may change the list (``*`` = resynchronise everything).</extracomment>
        <translation>Ожидают или с предложением</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Ожидают</translation>
    </message>
    <message>
        <source>Time offered</source>
        <translation>Предложено время</translation>
    </message>
    <message>
        <source>Booked</source>
        <translation>Записаны</translation>
    </message>
    <message>
        <source>Removed</source>
        <translation>Удалены из листа</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Все</translation>
    </message>
    <message>
        <source>All specialties</source>
        <translation>Все специальности</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Добавить…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Book the offered time</source>
        <translation>Записать на предложенное время</translation>
    </message>
    <message>
        <source>Pass to next</source>
        <translation>Передать следующему</translation>
    </message>
    <message>
        <source>The patient does not want the offered time: offer it to the next on the list</source>
        <translation>Пациенту предложенное время не подходит: предложить следующему в листе</translation>
    </message>
    <message>
        <source>Your role ({role}) may not book appointments</source>
        <translation>Ваша роль ({role}) не позволяет записывать на приём</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Entries: {n}</source>
        <translation>Записей в листе: {n}</translation>
    </message>
    <message>
        <source>time offered: {n}</source>
        <translation>с предложенным временем: {n}</translation>
    </message>
    <message>
        <source>{patient} is on the waiting list</source>
        <translation>{patient} добавлен(а) в лист ожидания</translation>
    </message>
    <message>
        <source>Take {patient} ({wanted}) off the waiting list?</source>
        <translation>Удалить из листа ожидания: {patient} ({wanted})?</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>Оставить</translation>
    </message>
    <message>
        <source>{patient} was taken off the waiting list</source>
        <translation>{patient} удалён(а) из листа ожидания</translation>
    </message>
</context>
<context>
    <name>WaitingPanel</name>
    <message>
        <source>Drag a patient to a free slot to book.</source>
        <translation>Перетащите пациента на свободное время, чтобы записать.</translation>
    </message>
    <message>
        <source>{patient}, {phone}; {note}</source>
        <translation>{patient}, {phone}; {note}</translation>
    </message>
    <message>
        <source>Waiting list ({count})</source>
        <translation>Лист ожидания ({count})</translation>
    </message>
    <message>
        <source>{days} d.</source>
        <translation>{days} дн.</translation>
    </message>
</context>
<context>
    <name>WaitingTableModel</name>
    <message>
        <source>Patient</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>Specialty or doctor</source>
        <translation>Специальность или врач</translation>
    </message>
    <message>
        <source>Wished days</source>
        <translation>Желаемые даты</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Связь</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Примечание</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Waits, days</source>
        <translation>Ждёт, дней</translation>
    </message>
    <message>
        <source>Offered time</source>
        <translation>Предложенное время</translation>
    </message>
    <message>
        <source>{status} (the time has passed)</source>
        <translation>{status} (время уже прошло)</translation>
    </message>
    <message>
        <source>On the list since {date}</source>
        <translation>В листе ожидания с {date}</translation>
    </message>
</context>
<context>
    <name>WeekView</name>
    <message>
        <source>public holiday</source>
        <translation>праздник</translation>
    </message>
    <message>
        <source>day off</source>
        <translation>выходной</translation>
    </message>
    <message>
        <source>room {room}</source>
        <translation>каб. {room}</translation>
    </message>
</context>
<context>
    <name>WorkbookBar</name>
    <message>
        <source>Export to Excel…</source>
        <extracomment>How many problems the preview lists (the rest are counted).</extracomment>
        <translation>Выгрузить в Excel…</translation>
    </message>
    <message>
        <source>Import from Excel…</source>
        <translation>Загрузить из Excel…</translation>
    </message>
    <message>
        <source>Export the directories</source>
        <translation>Выгрузка справочников</translation>
    </message>
    <message>
        <source>The directories are written to {path}</source>
        <translation>Справочники выгружены в {path}</translation>
    </message>
    <message>
        <source>Import the directories</source>
        <translation>Загрузка справочников</translation>
    </message>
    <message>
        <source>new: {created}, changed: {changed}, unchanged: {unchanged}</source>
        <translation>новых: {created}, изменённых: {changed}, без изменений: {unchanged}</translation>
    </message>
    <message>
        <source>…and {n} more</source>
        <translation>…и ещё {n}</translation>
    </message>
    <message>
        <source>{file}: nothing imported, correct the workbook:</source>
        <translation>{file}: ничего не загружено, исправьте файл:</translation>
    </message>
    <message>
        <source>{file} is correct: {counts}. Import it?</source>
        <translation>{file} без ошибок: {counts}. Загрузить?</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Загрузить</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Imported: {counts}</source>
        <translation>Загружено: {counts}</translation>
    </message>
</context>
<context>
    <name>WorkingHoursDialog</name>
    <message>
        <source>Working hours</source>
        <extracomment>How many of the appointments a change would move the confirmation lists by name.</extracomment>
        <translation>Часы работы</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>День</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>Часы</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Кабинет</translation>
    </message>
    <message>
        <source>From</source>
        <translation>С</translation>
    </message>
    <message>
        <source>To</source>
        <translation>По</translation>
    </message>
    <message>
        <source>Holidays</source>
        <translation>Праздники</translation>
    </message>
    <message>
        <source>Without a room of its own the doctor receives in their own room</source>
        <translation>Без своего кабинета врач принимает в своём постоянном кабинете</translation>
    </message>
    <message>
        <source>✓ — works on public holidays; without it a public holiday is a day off</source>
        <translation>✓ — работает в праздничные дни; без отметки праздник — выходной</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Что</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>Entered by</source>
        <translation>Внёс</translation>
    </message>
    <message>
        <source>Add hours</source>
        <extracomment>The open «these appointments will be moved — save?» question, if any.</extracomment>
        <translation>Добавить часы</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Изменить</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Add exception</source>
        <translation>Добавить исключение</translation>
    </message>
    <message>
        <source>Only a manager changes working hours</source>
        <translation>Часы работы меняет только руководитель</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>Weekly hours</source>
        <translation>Часы по дням недели</translation>
    </message>
    <message>
        <source>Vacations, sick leave, training, blocked hours, extra work</source>
        <translation>Отпуска, больничные, учёба, закрытые часы, дополнительная работа</translation>
    </message>
    <message>
        <source>View only: a manager changes working hours and absences</source>
        <translation>Только просмотр: часы работы и отсутствия меняет менеджер</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>{specialty}, slot {minutes} min</source>
        <translation>{specialty}, слот {minutes} мин</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>Оставить</translation>
    </message>
    <message>
        <source>Back in the doctor&apos;s hours, out of the tray: {count} (told the visit stands: {told})</source>
        <translation>Снова в часах врача, убраны из листа переноса: {count} (сообщено, что визит в силе: {told})</translation>
    </message>
    <message>
        <source>Remove «{what}» {starts} – {ends}?</source>
        <translation>Удалить «{what}» {starts} – {ends}?</translation>
    </message>
    <message>
        <source>Checking the booked appointments…</source>
        <translation>Проверяем записи пациентов…</translation>
    </message>
    <message>
        <source>…and {count} more</source>
        <translation>…и ещё {count}</translation>
    </message>
    <message>
        <source>Booked appointments are affected</source>
        <translation>Изменение затронет записи пациентов</translation>
    </message>
    <message>
        <source>Affected appointments: {count} — they will go to the holding tray, the patients will be sent notices</source>
        <translation>Записей в этих часах: {count} — они перейдут в лист переноса (не отменяются), пациентам будут отправлены уведомления</translation>
    </message>
    <message>
        <source>Remove the hours {day} {hours}?</source>
        <translation>Удалить часы работы {day} {hours}?</translation>
    </message>
    <message>
        <source>Back from the holding tray: {count}</source>
        <translation>Вернутся из листа переноса: {count}</translation>
    </message>
    <message>
        <source>No booked appointment is affected.</source>
        <translation>Записи пациентов не затронуты.</translation>
    </message>
    <message>
        <source>Patients already in the clinic: {count} — their visits are not moved, settle them in person</source>
        <translation>Пациенты уже в клинике: {count} — их приёмы не перенесены, решите с ними на месте</translation>
    </message>
    <message>
        <source>Save and move</source>
        <translation>Сохранить и перенести в лист переноса</translation>
    </message>
    <message>
        <source>Back to the form</source>
        <translation>Вернуться к форме</translation>
    </message>
    <message>
        <source>Free times offered to the waiting list: {count}</source>
        <translation>Свободное время предложено по листу ожидания: {count}</translation>
    </message>
    <message>
        <source>Saved. No booked appointment is affected.</source>
        <translation>Сохранено. Записи пациентов не затронуты.</translation>
    </message>
    <message>
        <source>Moved to the holding tray (not cancelled): {count}</source>
        <translation>Перенесено в лист переноса (не отменено): {count}</translation>
    </message>
    <message>
        <source>notice queued</source>
        <translation>уведомление поставлено в очередь</translation>
    </message>
    <message>
        <source>no notice possible: call {phone}</source>
        <translation>уведомить нельзя: позвоните {phone}</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Сохранение…</translation>
    </message>
</context>
<context>
    <name>WorkstationPrinting</name>
    <message>
        <source>Printing at this workstation</source>
        <translation>Печать на этом рабочем месте</translation>
    </message>
    <message>
        <source>The system&apos;s default printer</source>
        <translation>Принтер по умолчанию в системе</translation>
    </message>
    <message>
        <source>{name} (not available now)</source>
        <translation>{name} (сейчас недоступен)</translation>
    </message>
    <message>
        <source>The clinic&apos;s default</source>
        <translation>Как принято в клинике</translation>
    </message>
    <message>
        <source>Used from the next print; the print dialog may change them too.</source>
        <translation>Действует со следующей печати; изменить можно и в окне печати.</translation>
    </message>
    <message>
        <source>Ticket printer:</source>
        <translation>Принтер талонов:</translation>
    </message>
    <message>
        <source>Ticket paper:</source>
        <translation>Бумага талонов:</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>Registratura</source>
        <translation>Регистратура</translation>
    </message>
</context>
<context>
    <name>appointment_history</name>
    <message>
        <source>Appointment {id} does not exist</source>
        <extracomment>A chain longer than this is not followed further (a guard, not a rule).</extracomment>
        <translation>Записи № {id} не существует</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Начало</translation>
    </message>
    <message>
        <source>End</source>
        <translation>Конец</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Кабинет</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Вид приёма</translation>
    </message>
    <message>
        <source>Referral</source>
        <translation>Направление</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Услуга</translation>
    </message>
    <message>
        <source>Over the schedule</source>
        <translation>Сверх расписания</translation>
    </message>
    <message>
        <source>Reason for overbooking</source>
        <translation>Причина записи сверх расписания</translation>
    </message>
    <message>
        <source>Moved from</source>
        <translation>Перенесена из</translation>
    </message>
    <message>
        <source>Moved to</source>
        <translation>Перенесена в</translation>
    </message>
    <message>
        <source>Cancelled by</source>
        <translation>Кем отменена</translation>
    </message>
    <message>
        <source>Reason for cancelling</source>
        <translation>Причина отмены</translation>
    </message>
    <message>
        <source>Video link</source>
        <translation>Ссылка на видеосвязь</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Примечание</translation>
    </message>
    <message>
        <source>booked</source>
        <translation>записано</translation>
    </message>
    <message>
        <source>rescheduled</source>
        <translation>перенесено</translation>
    </message>
    <message>
        <source>status changed</source>
        <translation>статус изменён</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>отменено</translation>
    </message>
    <message>
        <source>ticket printed</source>
        <translation>талон напечатан</translation>
    </message>
    <message>
        <source>done</source>
        <translation>выполнено</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>отказано</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>ошибка</translation>
    </message>
    <message>
        <source>by referral (OMS)</source>
        <translation>по направлению (ОМС)</translation>
    </message>
    <message>
        <source>paid</source>
        <translation>платно</translation>
    </message>
    <message>
        <source>follow-up</source>
        <translation>повторный приём</translation>
    </message>
    <message>
        <source>telemedicine</source>
        <translation>телемедицина</translation>
    </message>
    <message>
        <source>the patient</source>
        <translation>пациентом</translation>
    </message>
    <message>
        <source>the clinic</source>
        <translation>клиникой</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <source>no</source>
        <translation>нет</translation>
    </message>
    <message>
        <source>appointment № {id}</source>
        <translation>запись № {id}</translation>
    </message>
    <message>
        <source>room {number}</source>
        <translation>кабинет {number}</translation>
    </message>
</context>
<context>
    <name>auth</name>
    <message>
        <source>Password: at least {n} characters</source>
        <translation>Пароль: не менее {n} символов</translation>
    </message>
    <message>
        <source>Wrong login or password</source>
        <translation>Неверный логин или пароль</translation>
    </message>
    <message>
        <source>This account is disabled; ask an administrator</source>
        <translation>Учётная запись отключена; обратитесь к администратору</translation>
    </message>
    <message>
        <source>Too many failed attempts: the account is locked until {time}</source>
        <translation>Слишком много неудачных попыток: учётная запись заблокирована до {time}</translation>
    </message>
    <message>
        <source>Login: 2–60 Latin letters, digits, dot, dash or underscore</source>
        <translation>Логин: от 2 до 60 символов — латинские буквы, цифры, точка, дефис или подчёркивание</translation>
    </message>
    <message>
        <source>Full name: at most {n} characters</source>
        <translation>ФИО: не длиннее {n} символов</translation>
    </message>
    <message>
        <source>Doctor: no doctor with id {id}</source>
        <translation>Врач: нет врача с номером {id}</translation>
    </message>
    <message>
        <source>Login: {login} is already taken</source>
        <translation>Логин: {login} уже занят</translation>
    </message>
    <message>
        <source>No user with login {login}</source>
        <extracomment>Bytes of randomness in a secret (43 characters of URL-safe base64).</extracomment>
        <translation>Нет пользователя с логином {login}</translation>
    </message>
    <message>
        <source>This account has no password in the database yet: ask an administrator</source>
        <translation>У этой учётной записи ещё нет пароля в базе данных: обратитесь к администратору</translation>
    </message>
    <message>
        <source>The token file is not LOGIN:SECRET</source>
        <translation>Файл токена не в виде ЛОГИН:СЕКРЕТ</translation>
    </message>
    <message>
        <source>The token is {login}&apos;s, not {other}&apos;s</source>
        <translation>Токен принадлежит {login}, а не {other}</translation>
    </message>
    <message>
        <source>Wrong or revoked token</source>
        <translation>Неверный или отозванный токен</translation>
    </message>
    <message>
        <source>by token</source>
        <translation>по токену</translation>
    </message>
</context>
<context>
    <name>backup</name>
    <message>
        <source>{mb} MB</source>
        <translation>{mb} МБ</translation>
    </message>
    <message>
        <source>Backup written: {path}
{size}, {tables} tables, {rows} rows, in {seconds} s; schema {rev}; key fingerprint {fp}</source>
        <translation>Резервная копия записана: {path}
{size}, таблиц {tables}, строк {rows}, за {seconds} с; схема {rev}; отпечаток ключа {fp}</translation>
    </message>
    <message>
        <source>The backup does not hold the identity-document key: keep a copy of the key (`clinic-crm key export FILE`) apart from the backups.</source>
        <translation>Ключа документов пациентов в резервной копии нет: храните копию ключа (`clinic-crm key export ФАЙЛ`) отдельно от резервных копий.</translation>
    </message>
    <message>
        <source>Restored the backup of {created} (program {program}, PostgreSQL {server}) in {seconds} s</source>
        <translation>Восстановлена резервная копия от {created} (программа {program}, PostgreSQL {server}) за {seconds} с</translation>
    </message>
    <message>
        <source>the restored database does not match the backup: do not use it; drop it and restore again from an intact file</source>
        <translation>восстановленная база данных не совпадает с резервной копией: не работайте с ней; удалите её и восстановите заново из неповреждённого файла</translation>
    </message>
    <message>
        <source>The backup file has format version {found}; this program reads up to {known}: restore it with a newer version of the program</source>
        <extracomment>Schemas that are PostgreSQL&apos;s own, never the clinic&apos;s.</extracomment>
        <translation>Файл резервной копии в формате версии {found}, а эта программа читает версии до {known}: восстановите его более новой версией программы</translation>
    </message>
    <message>
        <source>The backup&apos;s manifest is damaged: {error}</source>
        <translation>Опись резервной копии повреждена: {error}</translation>
    </message>
    <message>
        <source>{program} failed: {error}</source>
        <translation>{program}: ошибка: {error}</translation>
    </message>
    <message>
        <source>The server is PostgreSQL {server}, but this program&apos;s {program} is version {tool} and cannot work with a newer server: update the program (or use {program} {server} or newer by hand)</source>
        <translation>Сервер — PostgreSQL {server}, а {program} этой программы версии {tool} и с более новым сервером работать не может: обновите программу (или запустите вручную {program} версии {server} или новее)</translation>
    </message>
    <message>
        <source>{path} already exists: choose another file</source>
        <translation>{path} уже существует: выберите другой файл</translation>
    </message>
    <message>
        <source>Counting rows…</source>
        <translation>Подсчёт строк…</translation>
    </message>
    <message>
        <source>Dumping the database…</source>
        <translation>Выгрузка базы данных…</translation>
    </message>
    <message>
        <source>{path} is not a backup of this program (no {names})</source>
        <translation>{path} — не резервная копия этой программы (нет {names})</translation>
    </message>
    <message>
        <source>Backup file not found: {path}</source>
        <translation>Файл резервной копии не найден: {path}</translation>
    </message>
    <message>
        <source>{path} is not a backup of this program: {error}</source>
        <translation>{path} — не резервная копия этой программы: {error}</translation>
    </message>
    <message>
        <source> and {n} more</source>
        <extracomment>How many table names a refusal lists before &quot;and N more&quot;.</extracomment>
        <translation> и ещё {n}</translation>
    </message>
    <message>
        <source>The database is not empty: {n} tables have rows ({names}). Restore into a new, empty database (createdb -E UTF8 --locale=C.UTF-8 -T template0 NAME)</source>
        <translation>База данных не пуста: строки есть в таблицах ({n}): {names}. Восстанавливайте в новую пустую базу данных (createdb -E UTF8 --locale=C.UTF-8 -T template0 ИМЯ)</translation>
    </message>
    <message>
        <source>The database is not empty: it already has a schema ({n} tables, e.g. {names}), though no rows. Restore into a new, empty database (createdb -E UTF8 --locale=C.UTF-8 -T template0 NAME)</source>
        <translation>База данных не пуста: в ней уже есть схема (таблиц: {n}, например {names}), хотя строк нет. Восстанавливайте в новую пустую базу данных (createdb -E UTF8 --locale=C.UTF-8 -T template0 ИМЯ)</translation>
    </message>
    <message>
        <source>The server is PostgreSQL {server}, but this program&apos;s pg_restore is version {tool} and cannot work with a newer server: update the program</source>
        <translation>Сервер — PostgreSQL {server}, а pg_restore этой программы версии {tool} и с более новым сервером работать не может: обновите программу</translation>
    </message>
    <message>
        <source>The backup was made with {dumped}, newer than this program&apos;s pg_restore {tool}: restore it with a newer version of the program</source>
        <translation>Резервная копия сделана программой {dumped}, более новой, чем pg_restore {tool} этой программы: восстановите её более новой версией программы</translation>
    </message>
    <message>
        <source>The backup comes from PostgreSQL {source}, this server is older ({target}): if the restore fails, restore onto PostgreSQL {source} or newer</source>
        <translation>Резервная копия сделана на PostgreSQL {source}, а этот сервер старше ({target}): если восстановление не удастся, восстанавливайте на PostgreSQL {source} или новее</translation>
    </message>
    <message>
        <source>The backup file is damaged: {error}</source>
        <translation>Файл резервной копии повреждён: {error}</translation>
    </message>
    <message>
        <source>The backup file is damaged or was altered: its dump does not match the manifest (SHA-256 {actual}, the manifest says {expected}). Nothing was restored</source>
        <translation>Файл резервной копии повреждён или изменён: выгрузка не совпадает с описью (SHA-256 {actual}, а в описи {expected}). Ничего не восстановлено</translation>
    </message>
    <message>
        <source>Database roles and grants in place</source>
        <translation>Роли и права в базе данных на месте</translation>
    </message>
    <message>
        <source>Accounts with no password in this database yet: {logins}. Set each with `clinic-crm user passwd LOGIN` before they log in at a desk on the server</source>
        <translation>У этих учётных записей в этой базе ещё нет пароля: {logins}. Задайте каждой `clinic-crm user passwd ЛОГИН`, прежде чем входить с рабочего места на сервере</translation>
    </message>
    <message>
        <source>{table}: {actual} instead of {expected}</source>
        <translation>{table}: {actual} вместо {expected}</translation>
    </message>
    <message>
        <source>Rows differ from the backup&apos;s manifest in {n} tables: {tables}</source>
        <translation>Строки расходятся с описью резервной копии в таблицах ({n}): {tables}</translation>
    </message>
    <message>
        <source>Rows: {rows} in {n} tables, as in the manifest</source>
        <translation>Строк: {rows} в {n} таблицах, как в описи</translation>
    </message>
    <message>
        <source>Schema revision {actual}, but the manifest says {expected}</source>
        <translation>Версия схемы {actual}, а в описи {expected}</translation>
    </message>
    <message>
        <source>Schema at the program&apos;s revision ({rev})</source>
        <translation>Схема в версии программы ({rev})</translation>
    </message>
    <message>
        <source>Schema at revision {rev}, older than the program&apos;s {head}: run `clinic-crm db upgrade` on this database</source>
        <translation>Схема в версии {rev}, старше версии программы {head}: выполните `clinic-crm db upgrade` на этой базе данных</translation>
    </message>
    <message>
        <source>Schema at revision {rev}, which this program does not know (newest {head}): use the program version that made the backup ({program}) or newer</source>
        <translation>Схема в версии {rev}, которой эта программа не знает (новейшая {head}): используйте версию программы, сделавшую копию ({program}), или новее</translation>
    </message>
    <message>
        <source>The restored database&apos;s key fingerprint is {stored}, the manifest says {expected}</source>
        <translation>Отпечаток ключа в восстановленной базе данных {stored}, а в описи {expected}</translation>
    </message>
    <message>
        <source>The backup has no identity-document key</source>
        <translation>В резервной копии нет ключа документов пациентов</translation>
    </message>
    <message>
        <source>Key fingerprint {fp}</source>
        <translation>Отпечаток ключа {fp}</translation>
    </message>
    <message>
        <source>This workstation has no usable key file ({error}); the backup&apos;s documents need the key with fingerprint {expected}: `clinic-crm key import FILE`</source>
        <translation>На этом рабочем месте нет пригодного файла ключа ({error}); документам из резервной копии нужен ключ с отпечатком {expected}: `clinic-crm key import ФАЙЛ`</translation>
    </message>
    <message>
        <source>The key file {path} has fingerprint {actual}, but the backup&apos;s documents are encrypted with the key {expected}: put that key on this workstation (`clinic-crm key import FILE`) before opening cards</source>
        <translation>У файла ключа {path} отпечаток {actual}, а документы в резервной копии зашифрованы ключом {expected}: установите этот ключ на рабочее место (`clinic-crm key import ФАЙЛ`), прежде чем открывать карточки</translation>
    </message>
    <message>
        <source>Key fingerprint {fp}, the same as this workstation&apos;s</source>
        <translation>Отпечаток ключа {fp}, тот же, что у этого рабочего места</translation>
    </message>
</context>
<context>
    <name>backups</name>
    <message>
        <source>Back up every day</source>
        <extracomment>The status bar warns when the last good backup is older than this. A failed scheduled run is tried again after this long, not every minute. A run still &quot;running&quot; after this long died with its process.</extracomment>
        <translation>Делать копию каждый день</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <source>Keep the last</source>
        <translation>Хранить последние</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Папка</translation>
    </message>
    <message>
        <source>{field}: a time of day as HH:MM, e.g. 02:30</source>
        <translation>{field}: время суток в виде ЧЧ:ММ, например 02:30</translation>
    </message>
    <message>
        <source>{field}: a whole number of backups from 1 to {most}</source>
        <translation>{field}: целое число копий от 1 до {most}</translation>
    </message>
    <message>
        <source>{field}: a full path on the computer that runs the clinic&apos;s service, e.g. /var/backups/registratura or D:\Backups</source>
        <translation>{field}: полный путь на компьютере, где работает служба клиники, например /var/backups/registratura или D:\Backups</translation>
    </message>
    <message>
        <source>{field}: at most 500 characters</source>
        <translation>{field}: не длиннее 500 символов</translation>
    </message>
    <message>
        <source>Backup written: {path}</source>
        <extracomment>``pg_try_advisory_lock`` key of &quot;a backup is being made&quot; (any fixed 64-bit number).</extracomment>
        <translation>Копия записана: {path}</translation>
    </message>
    <message>
        <source>another service is making the backup</source>
        <translation>копию делает другая служба</translation>
    </message>
    <message>
        <source>no backup is due</source>
        <translation>копию делать не пора</translation>
    </message>
    <message>
        <source>This workstation works under a database role that reads only what its grants allow, so it cannot copy the whole database. On the clinic&apos;s server backups are made by the clinic&apos;s service (`clinic-crm service run`, run as the database&apos;s owner) on the schedule set here.</source>
        <translation>Это рабочее место работает под ролью базы данных, которой доступно только разрешённое, поэтому снять копию всей базы отсюда нельзя. На сервере клиники копии делает служба клиники (`clinic-crm service run`, запущенная от имени владельца базы) по расписанию, заданному здесь.</translation>
    </message>
    <message>
        <source>A backup is being made right now: wait for it to finish.</source>
        <translation>Резервная копия делается прямо сейчас: дождитесь её окончания.</translation>
    </message>
    <message>
        <source>deleted {n} old backups beyond the ones to keep</source>
        <translation>удалено старых копий сверх хранимых: {n}</translation>
    </message>
</context>
<context>
    <name>booking</name>
    <message>
        <source>No referral with this number is registered</source>
        <translation>Направление с таким номером не зарегистрировано</translation>
    </message>
    <message>
        <source>The referral was cancelled</source>
        <translation>Направление аннулировано</translation>
    </message>
    <message>
        <source>The referral is closed: the visit on it has taken place</source>
        <translation>Направление закрыто: приём по нему уже состоялся</translation>
    </message>
    <message>
        <source>You may book only into your own schedule</source>
        <extracomment>Kinds of visit the patient pays for: they are always of a service (its price, its length). The trigger of migration 0016 refusing such a visit without a service.</extracomment>
        <translation>Записывать можно только в своё расписание</translation>
    </message>
    <message>
        <source>Your role may not book appointments</source>
        <translation>Ваша роль не позволяет записывать на приём</translation>
    </message>
    <message>
        <source>Appointment {id} does not exist</source>
        <translation>Записи {id} не существует</translation>
    </message>
    <message>
        <source>The appointment was changed on another workstation: reload it</source>
        <translation>Запись изменена на другом рабочем месте: обновите её</translation>
    </message>
    <message>
        <source>This time has already passed</source>
        <translation>Это время уже прошло</translation>
    </message>
    <message>
        <source>Outside the doctor&apos;s working hours</source>
        <translation>Вне рабочего времени врача</translation>
    </message>
    <message>
        <source>This time is already taken</source>
        <translation>Время уже занято</translation>
    </message>
    <message>
        <source>The patient already has an appointment then</source>
        <translation>У пациента уже есть запись на это время</translation>
    </message>
    <message>
        <source>The referral is already used by another appointment</source>
        <translation>По этому направлению уже есть другая запись</translation>
    </message>
    <message>
        <source>Service: a paid or follow-up visit needs its service (the price and length)</source>
        <translation>Услуга: у платного или повторного приема должна быть услуга (ее цена и длительность)</translation>
    </message>
    <message>
        <source>Only a booked appointment can be cancelled or moved</source>
        <translation>Отменить или перенести можно только предстоящую запись</translation>
    </message>
    <message>
        <source>Less than 24 hours before the appointment only a manager may change it, giving a reason</source>
        <translation>Менять запись позже чем за 24 часа до приёма может только менеджер, указав причину</translation>
    </message>
    <message>
        <source>Correction of an own booking made {minutes} min ago</source>
        <translation>Исправление своей записи, сделанной {minutes} мин назад</translation>
    </message>
    <message>
        <source>No doctor with id {id}</source>
        <translation>Врач с кодом {id} не найден</translation>
    </message>
    <message>
        <source>The doctor no longer receives patients</source>
        <translation>Врач больше не ведёт приём</translation>
    </message>
    <message>
        <source>This doctor does not give remote consultations</source>
        <translation>Врач не проводит дистанционные консультации</translation>
    </message>
    <message>
        <source>Booking by referral needs the patient&apos;s ОМС policy on the card</source>
        <translation>Для записи по направлению в карточке пациента нужен полис ОМС</translation>
    </message>
    <message>
        <source>The patient&apos;s ОМС policy ends on {date}</source>
        <translation>Полис ОМС пациента действует только до {date}</translation>
    </message>
    <message>
        <source>Only a manager may overbook or record a past appointment</source>
        <translation>Записывать сверх расписания или задним числом может только менеджер</translation>
    </message>
    <message>
        <source>An appointment takes 1 to {n} slots</source>
        <translation>Запись занимает от 1 до {n} интервалов</translation>
    </message>
    <message>
        <source>No patient with id {id}</source>
        <translation>Пациент с кодом {id} не найден</translation>
    </message>
    <message>
        <source>No service with id {id}</source>
        <translation>Услуга с кодом {id} не найдена</translation>
    </message>
    <message>
        <source>Service: no longer provided</source>
        <translation>Услуга: больше не оказывается</translation>
    </message>
    <message>
        <source>Booking by referral needs the referral&apos;s number</source>
        <translation>Для записи по направлению укажите номер направления</translation>
    </message>
    <message>
        <source>Recorded in the past: {reason}</source>
        <translation>Запись задним числом: {reason}</translation>
    </message>
    <message>
        <source>The referral expired: it was valid until {date}</source>
        <translation>Срок действия направления истёк: оно действовало до {date}</translation>
    </message>
    <message>
        <source>The referral is valid until {date}: choose a day no later than that</source>
        <translation>Направление действует до {date}: выберите день не позднее</translation>
    </message>
    <message>
        <source>The referral was issued to another patient</source>
        <translation>Направление выдано другому пациенту</translation>
    </message>
    <message>
        <source>The doctor&apos;s specialty differs from the referral&apos;s</source>
        <translation>Специальность врача не совпадает с указанной в направлении</translation>
    </message>
    <message>
        <source>No specialty with code {code}</source>
        <translation>Специальность с кодом {code} не найдена</translation>
    </message>
    <message>
        <source>booked</source>
        <translation>записан</translation>
    </message>
    <message>
        <source>arrived</source>
        <translation>пришёл</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>на приёме</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>приём завершён</translation>
    </message>
    <message>
        <source>no-show</source>
        <translation>неявка</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>отменён</translation>
    </message>
    <message>
        <source>rescheduled</source>
        <translation>перенесён</translation>
    </message>
    <message>
        <source>Only a manager may undo a visit status</source>
        <translation>Исправить отметку о визите может только менеджер</translation>
    </message>
    <message>
        <source>Reason: required</source>
        <translation>Причина: обязательное поле</translation>
    </message>
    <message>
        <source>The status cannot change from «{old}» to «{new}»</source>
        <translation>Статус нельзя сменить с «{old}» на «{new}»</translation>
    </message>
    <message>
        <source>Your role may not set this status</source>
        <translation>Ваша роль не позволяет установить этот статус</translation>
    </message>
    <message>
        <source>You may mark visits only in your own schedule</source>
        <translation>Отмечать визиты можно только в своём расписании</translation>
    </message>
    <message>
        <source>A no-show can be marked only after the appointment&apos;s start</source>
        <translation>Неявку можно отметить только после начала приёма</translation>
    </message>
    <message>
        <source>A patient can arrive or see the doctor only on the day of the visit, {date}</source>
        <translation>Отметить приход или приём можно только в день визита, {date}</translation>
    </message>
    <message>
        <source>Correction: own status mark undone</source>
        <translation>Исправление: своя отметка статуса отменена</translation>
    </message>
    <message>
        <source>Undone: {reason}</source>
        <translation>Исправлено: {reason}</translation>
    </message>
    <message>
        <source>room {number}</source>
        <translation>каб. {number}</translation>
    </message>
    <message>
        <source>{reason}; no free time in the coming weeks</source>
        <translation>{reason}; свободного времени в ближайшие недели нет</translation>
    </message>
    <message>
        <source>{reason}; nearest free time: {slot}</source>
        <translation>{reason}; ближайшее свободное время: {slot}</translation>
    </message>
    <message>
        <source>Appointment {id} of {when} cancelled</source>
        <translation>Запись {id} на {when} отменена</translation>
    </message>
    <message>
        <source>give either --doctor or --specialty</source>
        <translation>укажите либо --doctor, либо --specialty</translation>
    </message>
    <message>
        <source>No free slots in these days</source>
        <translation>Свободного времени в эти дни нет</translation>
    </message>
</context>
<context>
    <name>calls</name>
    <message>
        <source>No call with id {id}</source>
        <extracomment>The time the call is about (the offered time, the visit&apos;s), in the clinic&apos;s zone.</extracomment>
        <translation>Нет звонка с id {id}</translation>
    </message>
</context>
<context>
    <name>checks</name>
    <message>
        <source>lower(&apos;ИВАНОВ&apos;) = &apos;иванов&apos; (ctype {ctype})</source>
        <extracomment>A risk that does not stop the program (``ok`` stays true), said aloud.</extracomment>
        <translation>lower(&apos;ИВАНОВ&apos;) = &apos;иванов&apos; (ctype {ctype})</translation>
    </message>
    <message>
        <source>the database&apos;s ctype is {ctype}: it does not know Cyrillic letters (lower(&apos;ИВАНОВ&apos;) is not &apos;иванов&apos;, or pg_trgm finds no trigrams), so patient search cannot work. Create the database with LC_CTYPE &apos;C.UTF-8&apos; or &apos;ru_RU.UTF-8&apos; (ENCODING &apos;UTF8&apos;, TEMPLATE template0).</source>
        <translation>у базы данных ctype {ctype}: она не различает русские буквы (lower(&apos;ИВАНОВ&apos;) не равно &apos;иванов&apos; или pg_trgm не находит триграмм), поэтому поиск пациентов работать не будет. Создайте базу с LC_CTYPE &apos;C.UTF-8&apos; или &apos;ru_RU.UTF-8&apos; (ENCODING &apos;UTF8&apos;, TEMPLATE template0).</translation>
    </message>
    <message>
        <source>missing extensions: {names} (run `clinic-crm db upgrade`)</source>
        <translation>не установлены расширения: {names} (выполните `clinic-crm db upgrade`)</translation>
    </message>
    <message>
        <source>at head ({rev})</source>
        <translation>последняя версия ({rev})</translation>
    </message>
    <message>
        <source>the database is at revision {current}, newer than this program knows (newest {head}): update the program on this workstation</source>
        <translation>база данных в версии {current}, новее, чем знает эта программа (её последняя — {head}): обновите программу на этом рабочем месте</translation>
    </message>
    <message>
        <source>database at {current}, program needs {head}: run `clinic-crm db upgrade`</source>
        <translation>база данных в версии {current}, программе нужна {head}: выполните `clinic-crm db upgrade`</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>пустая</translation>
    </message>
    <message>
        <source>a superuser</source>
        <translation>суперпользователь</translation>
    </message>
    <message>
        <source>the owner of the clinic&apos;s tables</source>
        <translation>владелец таблиц клиники</translation>
    </message>
    <message>
        <source>connected as {user}, {what}: the database&apos;s own refusals (grants, row-level security, the journal&apos;s protection) do not apply to it. Fine for the embedded server on one PC; a clinic&apos;s desks connect as crm_gate and log in as their own roles (README: the clinic&apos;s server)</source>
        <translation>подключение под {user} — {what}: собственные запреты базы (права, построчная защита, защита журнала) на эту роль не действуют. Для встроенного сервера на одном компьютере это нормально; рабочие места клиники подключаются как crm_gate и входят под своими ролями (README: сервер клиники)</translation>
    </message>
    <message>
        <source>connected as {user}</source>
        <translation>подключение под {user}</translation>
    </message>
</context>
<context>
    <name>cli</name>
    <message>
        <source>token file {path}: {reason}</source>
        <extracomment>The environment variable naming a token file when ``--token-file`` is not given.</extracomment>
        <translation>файл токена {path}: {reason}</translation>
    </message>
    <message>
        <source>say who acts: --as LOGIN (the password from a prompt or --password-stdin) or --token-file FILE</source>
        <translation>укажите, кто действует: --as ЛОГИН (пароль по запросу или --password-stdin) или --token-file ФАЙЛ</translation>
    </message>
    <message>
        <source>Password of {login}</source>
        <translation>Пароль {login}</translation>
    </message>
    <message>
        <source>no terminal to ask the password of {login}: use --password-stdin or --token-file</source>
        <translation>нет терминала, чтобы спросить пароль {login}: используйте --password-stdin или --token-file</translation>
    </message>
    <message>
        <source>error</source>
        <translation>ошибка</translation>
    </message>
    <message>
        <source>cannot reach the database: {detail}</source>
        <translation>нет связи с базой данных: {detail}</translation>
    </message>
    <message>
        <source>the database is at revision {rev}, newer than this program: update the program on this workstation</source>
        <translation>база данных в версии {rev}, новее этой программы: обновите программу на этом рабочем месте</translation>
    </message>
    <message>
        <source>the database refused: {detail} (is it migrated?)</source>
        <translation>база данных отклонила запрос: {detail} (структура базы обновлена?)</translation>
    </message>
    <message>
        <source>the database refused: {detail}</source>
        <translation>база данных отказала: {detail}</translation>
    </message>
    <message>
        <source>unexpected error: {kind}: {detail} (details in {log})</source>
        <translation>непредвиденная ошибка: {kind}: {detail} (подробности в {log})</translation>
    </message>
    <message>
        <source>Database at revision {rev}</source>
        <translation>База данных в версии {rev}</translation>
    </message>
    <message>
        <source>Created a new identity-document key: {path} (fingerprint {fp}). Back it up and copy it to every workstation.</source>
        <translation>Создан новый ключ для документов пациентов: {path} (отпечаток {fp}). Сохраните его резервную копию и скопируйте на все рабочие места.</translation>
    </message>
    <message>
        <source>Key fingerprint {fp}</source>
        <translation>Отпечаток ключа {fp}</translation>
    </message>
    <message>
        <source>database: {current}; program: {head}</source>
        <translation>база данных: {current}; программа: {head}</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>пустая</translation>
    </message>
    <message>
        <source>{n} of {total} checks failed: {names}</source>
        <translation>не пройдено проверок: {n} из {total}: {names}</translation>
    </message>
    <message>
        <source>Desk name: use 1 to 40 Latin letters, digits, dots, dashes or underscores</source>
        <translation>Имя рабочего места: от 1 до 40 латинских букв, цифр, точек, дефисов или подчёркиваний</translation>
    </message>
    <message>
        <source>Password: at least 12 characters for a desk&apos;s role</source>
        <translation>Пароль: не короче 12 символов для роли рабочего места</translation>
    </message>
    <message>
        <source>The server refused to create the role ({reason}): run this as the database&apos;s owner or a role with CREATEROLE</source>
        <translation>Сервер отказался создать роль ({reason}): запустите команду от имени владельца базы или роли с правом CREATEROLE</translation>
    </message>
    <message>
        <source>Desk role {role} is ready (member of crm_gate).</source>
        <translation>Роль рабочего места {role} готова (входит в crm_gate).</translation>
    </message>
    <message>
        <source>Point the workstation at: postgresql://{user}:PASSWORD@SERVER/{database}</source>
        <translation>Адрес базы для рабочего места: postgresql://{user}:ПАРОЛЬ@СЕРВЕР/{database}</translation>
    </message>
    <message>
        <source>no password on standard input</source>
        <translation>пароль не передан через стандартный ввод</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>a doctor&apos;s account needs --doctor-id (the doctor it belongs to)</source>
        <translation>для учётной записи врача нужен --doctor-id (номер врача, которому она принадлежит)</translation>
    </message>
    <message>
        <source>User {login} created (id {id})</source>
        <translation>Пользователь {login} создан (id {id})</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>отключён</translation>
    </message>
    <message>
        <source>locked until {time}</source>
        <translation>заблокирован до {time}</translation>
    </message>
    <message>
        <source>Password of {login} changed</source>
        <translation>Пароль пользователя {login} изменён</translation>
    </message>
    <message>
        <source>{login} is now: {role}</source>
        <translation>Роль {login} теперь: {role}</translation>
    </message>
    <message>
        <source>User {login} disabled</source>
        <translation>Пользователь {login} отключён</translation>
    </message>
    <message>
        <source>User {login} enabled</source>
        <translation>Пользователь {login} снова включён</translation>
    </message>
    <message>
        <source>User {login} unlocked</source>
        <translation>Пользователь {login} разблокирован</translation>
    </message>
    <message>
        <source>User {login} was not locked</source>
        <translation>Пользователь {login} не был заблокирован</translation>
    </message>
    <message>
        <source>give -o FILE: where to write the token</source>
        <translation>укажите -o ФАЙЛ: куда записать токен</translation>
    </message>
    <message>
        <source>The token of {login} revoked</source>
        <translation>Токен {login} отозван</translation>
    </message>
    <message>
        <source>{path}: {reason}</source>
        <translation>{path}: {reason}</translation>
    </message>
    <message>
        <source>Token of {login} written to {path}</source>
        <translation>Токен {login} записан в {path}</translation>
    </message>
    <message>
        <source>the clinic is not set up yet: give --admin-login for its first administrator</source>
        <translation>клиника ещё не настроена: укажите --admin-login для её первого администратора</translation>
    </message>
    <message>
        <source>Clinic «{name}» set up; administrator {login} created</source>
        <translation>Клиника «{name}» настроена; создан администратор {login}</translation>
    </message>
    <message>
        <source>the clinic is set up already: add users with «user add»</source>
        <translation>клиника уже настроена: пользователей добавляет «user add»</translation>
    </message>
    <message>
        <source>Clinic details saved: {name}</source>
        <translation>Реквизиты клиники сохранены: {name}</translation>
    </message>
    <message>
        <source>the clinic is not set up yet: run «clinic set» or the program</source>
        <translation>клиника ещё не настроена: выполните «clinic set» или запустите программу</translation>
    </message>
    <message>
        <source>no video provider: remote visits take typed links</source>
        <translation>провайдер видеосвязи не задан: у удалённых приёмов ссылку вводят вручную</translation>
    </message>
    <message>
        <source>{sheet}: {rows} rows</source>
        <translation>{sheet}: строк {rows}</translation>
    </message>
    <message>
        <source>{sheet}: {created} new, {changed} changed, {unchanged} unchanged</source>
        <translation>{sheet}: новых {created}, изменено {changed}, без изменений {unchanged}</translation>
    </message>
    <message>
        <source>{file}: {count} problems, nothing was written</source>
        <translation>{file}: ошибок {count}, ничего не записано</translation>
    </message>
    <message>
        <source>Dry run: nothing was written</source>
        <translation>Пробный прогон: ничего не записано</translation>
    </message>
    <message>
        <source>{file}: imported ({created} new, {changed} changed)</source>
        <translation>{file}: импортировано (новых {created}, изменено {changed})</translation>
    </message>
</context>
<context>
    <name>clinic</name>
    <message>
        <source>Full name</source>
        <translation>Полное название</translation>
    </message>
    <message>
        <source>Short name</source>
        <translation>Краткое название</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>OGRN</source>
        <translation>ОГРН</translation>
    </message>
    <message>
        <source>Licence number</source>
        <translation>Номер лицензии</translation>
    </message>
    <message>
        <source>Timezone</source>
        <translation>Часовой пояс</translation>
    </message>
    <message>
        <source>Ticket paper</source>
        <translation>Бумага талонов</translation>
    </message>
    <message>
        <source>{field}: at most {limit} characters</source>
        <translation>{field}: не длиннее {limit} символов</translation>
    </message>
    <message>
        <source>{field}: «{value}» is not a timezone of the IANA list</source>
        <translation>{field}: «{value}» нет в списке часовых поясов IANA</translation>
    </message>
    <message>
        <source>{field}: choose 80 mm roll, A6 or A5</source>
        <translation>{field}: выберите рулон 80 мм, A6 или A5</translation>
    </message>
</context>
<context>
    <name>controls</name>
    <message>
        <source>Save (Ctrl+S)</source>
        <extracomment>Characters a filter box is sized for, whatever its longest entry. The border of a field whose input was refused.</extracomment>
        <translation>Сохранить (Ctrl+S)</translation>
    </message>
</context>
<context>
    <name>daylist</name>
    <message>
        <source>Time</source>
        <extracomment>Cancelled, no-show…: printed in grey. In the holding tray (the doctor is away, e.g. on vacation): the list says so, so whoever reads it calls the patient to move the visit instead of waiting for them. For the print journal; not printed. Share of the width left after the fixed columns; 0: as wide as ``sample``.</extracomment>
        <translation>Время</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>Born</source>
        <translation>Дата рожд.</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Вид приёма</translation>
    </message>
    <message>
        <source>Referral</source>
        <translation>Направление</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Patient, born</source>
        <translation>Пациент, дата рожд.</translation>
    </message>
    <message>
        <source>Kind, referral</source>
        <translation>Вид приёма, направление</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Примечание</translation>
    </message>
    <message>
        <source>No. {number}</source>
        <translation>№ {number}</translation>
    </message>
    <message>
        <source>No appointments on this day.</source>
        <translation>На этот день записей нет.</translation>
    </message>
    <message>
        <source>Printed {moment}</source>
        <translation>Напечатано {moment}</translation>
    </message>
    <message>
        <source>Day list for {day}</source>
        <translation>Список приёма на {day}</translation>
    </message>
    <message>
        <source>{doctor} (continued)</source>
        <translation>{doctor} (продолжение)</translation>
    </message>
    <message>
        <source>room {number}</source>
        <translation>кабинет {number}</translation>
    </message>
    <message>
        <source>hours {hours}</source>
        <translation>часы приёма {hours}</translation>
    </message>
    <message>
        <source>not working on this day</source>
        <translation>в этот день не принимает</translation>
    </message>
    <message>
        <source>patients: {count}</source>
        <translation>пациентов: {count}</translation>
    </message>
    <message>
        <source>cancelled, moved or missed: {count}</source>
        <translation>отменено, перенесено или неявка: {count}</translation>
    </message>
    <message>
        <source>Page {number} of {total}</source>
        <translation>Страница {number} из {total}</translation>
    </message>
    <message>
        <source>No doctors receive patients on this day</source>
        <translation>В этот день врачи не принимают</translation>
    </message>
</context>
<context>
    <name>demo</name>
    <message>
        <source>Demo clinic loaded in {seconds:.1f} s:</source>
        <translation>Демо-клиника загружена за {seconds:.1f} с:</translation>
    </message>
    <message>
        <source>branches {branches}, doctors {doctors}, specialties {specialties}, patients {patients}, referrals {referrals}, appointments {appointments}</source>
        <translation>филиалов {branches}, врачей {doctors}, специальностей {specialties}, пациентов {patients}, направлений {referrals}, записей {appointments}</translation>
    </message>
    <message>
        <source>Logins: {logins}; password: {password}</source>
        <translation>Логины: {logins}; пароль: {password}</translation>
    </message>
    <message>
        <source>Patients or doctors already exist: the demo loads only into an empty database</source>
        <translation>В базе уже есть пациенты или врачи: демонстрационные данные загружаются только в пустую базу</translation>
    </message>
</context>
<context>
    <name>directories</name>
    <message>
        <source>Branches</source>
        <translation>Филиалы</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>Rooms</source>
        <translation>Кабинеты</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>Филиал</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <source>{field}: the branch has no room «{value}»</source>
        <translation>{field}: в филиале нет кабинета «{value}»</translation>
    </message>
    <message>
        <source>Alternatives</source>
        <translation>Альтернативы</translation>
    </message>
    <message>
        <source>{field}: a specialty is not its own alternative</source>
        <translation>{field}: специальность не может быть альтернативой самой себе</translation>
    </message>
    <message>
        <source>Specialties</source>
        <translation>Специальности</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Код</translation>
    </message>
    <message>
        <source>letters, digits, dot, dash</source>
        <translation>буквы, цифры, точка, дефис</translation>
    </message>
    <message>
        <source>Diagnostic service</source>
        <translation>Диагностическая служба</translation>
    </message>
    <message>
        <source>Referral valid, days</source>
        <translation>Срок направления, дней</translation>
    </message>
    <message>
        <source>Longest extension, days</source>
        <translation>Продление до, дней</translation>
    </message>
    <message>
        <source>{field}: no user «{value}»</source>
        <translation>{field}: нет пользователя «{value}»</translation>
    </message>
    <message>
        <source>{field}: «{value}» is not a doctor&apos;s login</source>
        <translation>{field}: «{value}» — вход не врача</translation>
    </message>
    <message>
        <source>Default room</source>
        <translation>Кабинет по умолчанию</translation>
    </message>
    <message>
        <source>{name} has {count} appointments ahead: move or cancel them before deactivating the doctor</source>
        <translation>У врача {name} впереди записей: {count}. Перенесите или отмените их, прежде чем выводить врача из работы</translation>
    </message>
    <message>
        <source>Doctors</source>
        <translation>Врачи</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Фамилия</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <source>Patronymic</source>
        <translation>Отчество</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Qualification category</source>
        <translation>Квалификационная категория</translation>
    </message>
    <message>
        <source>Academic degree</source>
        <translation>Учёная степень</translation>
    </message>
    <message>
        <source>Licence number</source>
        <translation>Номер лицензии</translation>
    </message>
    <message>
        <source>Remote consultations</source>
        <translation>Дистанционные консультации</translation>
    </message>
    <message>
        <source>Slot length, minutes</source>
        <translation>Длина слота, минут</translation>
    </message>
    <message>
        <source>Program login</source>
        <translation>Вход в программу</translation>
    </message>
    <message>
        <source>To: the hours end after they start</source>
        <translation>По: приём кончается позже, чем начинается</translation>
    </message>
    <message>
        <source>{field}: before «valid from»</source>
        <translation>{field}: раньше, чем «действует с»</translation>
    </message>
    <message>
        <source>Valid to</source>
        <translation>Действует по</translation>
    </message>
    <message>
        <source>{field}: whole slots of {minutes} minutes (e.g. 09:00)</source>
        <translation>{field}: целые слоты по {minutes} минут (например, 09:00)</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Кабинет</translation>
    </message>
    <message>
        <source>{field}: these hours overlap the doctor&apos;s {starts}–{ends}</source>
        <translation>{field}: эти часы пересекаются с часами врача {starts}–{ends}</translation>
    </message>
    <message>
        <source>{field}: the room is taken then by {doctor} ({starts}–{ends})</source>
        <translation>{field}: кабинет в это время занят, там принимает {doctor} ({starts}–{ends})</translation>
    </message>
    <message>
        <source>visits moved to the holding tray: {n}</source>
        <translation>перенесено в лист переноса (не отменено): {n}</translation>
    </message>
    <message>
        <source>visits back in the hours: {n}</source>
        <translation>вернулись из листа переноса: {n}</translation>
    </message>
    <message>
        <source>Weekly hours</source>
        <translation>Недельное расписание</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>Doctor&apos;s specialty</source>
        <translation>Специальность врача</translation>
    </message>
    <message>
        <source>Weekday</source>
        <translation>День недели</translation>
    </message>
    <message>
        <source>From</source>
        <translation>С</translation>
    </message>
    <message>
        <source>To</source>
        <translation>По</translation>
    </message>
    <message>
        <source>Valid from</source>
        <translation>Действует с</translation>
    </message>
    <message>
        <source>Works on holidays</source>
        <translation>Работает в праздники</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Услуги</translation>
    </message>
    <message>
        <source>Nomenclature code</source>
        <translation>Код номенклатуры</translation>
    </message>
    <message>
        <source>a code of the nomenclature such as B01.047.001</source>
        <translation>код номенклатуры, например B01.047.001</translation>
    </message>
    <message>
        <source>Duration, slots</source>
        <translation>Длительность, слотов</translation>
    </message>
    <message>
        <source>Under OMS</source>
        <translation>По ОМС</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Описание</translation>
    </message>
    <message>
        <source>Prices</source>
        <translation>Цены</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Услуга</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Цена</translation>
    </message>
    <message>
        <source>{field}: required</source>
        <extracomment>``show(session, value)`` → text.</extracomment>
        <translation>{field}: обязательное поле</translation>
    </message>
    <message>
        <source>{field}: at most {limit} characters</source>
        <translation>{field}: не длиннее {limit} символов</translation>
    </message>
    <message>
        <source>{field}: {hint}</source>
        <translation>{field}: {hint}</translation>
    </message>
    <message>
        <source>{field}: write «да» or «нет»</source>
        <translation>{field}: напишите «да» или «нет»</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <source>no</source>
        <translation>нет</translation>
    </message>
    <message>
        <source>{field}: a whole number from {low} to {high}</source>
        <translation>{field}: целое число от {low} до {high}</translation>
    </message>
    <message>
        <source>{field}: one of {choices}</source>
        <translation>{field}: одно из: {choices}</translation>
    </message>
    <message>
        <source>{field}: a date such as 01.09.2026</source>
        <translation>{field}: дата вида 01.09.2026</translation>
    </message>
    <message>
        <source>{field}: a time such as 08:30</source>
        <translation>{field}: время вида 08:30</translation>
    </message>
    <message>
        <source>{field}: an amount such as 1500.00</source>
        <translation>{field}: сумма вида 1500.00</translation>
    </message>
    <message>
        <source>{field}: not negative, at most two decimals</source>
        <translation>{field}: не меньше нуля, не больше двух знаков после запятой</translation>
    </message>
    <message>
        <source>{field}: «{value}» is not in the directory</source>
        <translation>{field}: «{value}» нет в справочнике</translation>
    </message>
    <message>
        <source>{field}: «{value}» is already in the directory</source>
        <translation>{field}: «{value}» уже есть в справочнике</translation>
    </message>
    <message>
        <source>Valid from: the period overlaps another price of this service (end that one first)</source>
        <translation>Действует с: период пересекается с другой ценой этой услуги (сначала завершите ту)</translation>
    </message>
    <message>
        <source>{field}: this value is already in the directory</source>
        <translation>{field}: такое значение уже есть в справочнике</translation>
    </message>
    <message>
        <source>{field}: the value is out of range</source>
        <translation>{field}: значение вне допустимых границ</translation>
    </message>
    <message>
        <source>{field}: the database refused the value</source>
        <translation>{field}: база данных не приняла значение</translation>
    </message>
    <message>
        <source>{directory}: the row was removed</source>
        <translation>{directory}: запись удалена</translation>
    </message>
    <message>
        <source>Someone changed this row on another workstation while you were editing it</source>
        <translation>Пока вы редактировали, эту запись изменили на другом рабочем месте</translation>
    </message>
    <message>
        <source>{directory}: rows end by their period, not deactivation</source>
        <translation>{directory}: записи завершаются сроком действия, а не выводом из работы</translation>
    </message>
</context>
<context>
    <name>feedback</name>
    <message>
        <source>rating {id}: {rating} of 5</source>
        <translation>оценка {id}: {rating} из 5</translation>
    </message>
    <message>
        <source>in the manager&apos;s queue</source>
        <translation>в очереди менеджера</translation>
    </message>
    <message>
        <source>Rating</source>
        <extracomment>Ratings at or below this wait for a manager&apos;s answer.</extracomment>
        <translation>Оценка</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Ответ</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Дата</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <source>Appointment</source>
        <translation>Запись</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>Rating&apos;s number</source>
        <translation>Номер отзыва</translation>
    </message>
    <message>
        <source>enter the time as HH:MM</source>
        <translation>введите время как ЧЧ:ММ</translation>
    </message>
    <message>
        <source>no doctor with this number</source>
        <translation>нет врача с таким номером</translation>
    </message>
    <message>
        <source>no such doctor</source>
        <translation>нет такого врача</translation>
    </message>
    <message>
        <source>several doctors by this name: give her number</source>
        <translation>несколько врачей с таким именем: укажите номер врача</translation>
    </message>
    <message>
        <source>no card with this phone</source>
        <translation>нет карты с таким телефоном</translation>
    </message>
    <message>
        <source>several cards with this phone</source>
        <translation>несколько карт с таким телефоном</translation>
    </message>
    <message>
        <source>in the future</source>
        <translation>в будущем</translation>
    </message>
    <message>
        <source>a whole number from 1 to 5</source>
        <translation>целое число от 1 до 5</translation>
    </message>
    <message>
        <source>at most {n} characters</source>
        <translation>не длиннее {n} символов</translation>
    </message>
    <message>
        <source>no appointment with this number</source>
        <translation>нет приёма с таким номером</translation>
    </message>
    <message>
        <source>the same rating as row {row}</source>
        <translation>та же оценка, что в строке {row}</translation>
    </message>
    <message>
        <source>These ratings were being imported on another desk at the same time: nothing was written; import the file again to add what is missing</source>
        <translation>Эти оценки в тот же момент импортировались на другом рабочем месте: ничего не записано; импортируйте файл ещё раз, чтобы добавить недостающее</translation>
    </message>
    <message>
        <source>No such appointment</source>
        <translation>Такой записи нет</translation>
    </message>
    <message>
        <source>not the visit&apos;s doctor</source>
        <translation>не врач этого визита</translation>
    </message>
    <message>
        <source>not the visit&apos;s patient</source>
        <translation>не пациент этого визита</translation>
    </message>
    <message>
        <source>No such doctor</source>
        <translation>Такого врача нет</translation>
    </message>
    <message>
        <source>No such patient</source>
        <translation>Такого пациента нет</translation>
    </message>
    <message>
        <source>write the answer</source>
        <translation>напишите ответ</translation>
    </message>
    <message>
        <source>No such feedback</source>
        <translation>Такого отзыва нет</translation>
    </message>
    <message>
        <source>Period: the end is before the start</source>
        <extracomment>The register shows at most this many rows (newest first); a filter narrows it. Visits of the patient offered in the rating dialog. Statuses of a visit that took place, which a patient may rate.</extracomment>
        <translation>Период: конец раньше начала</translation>
    </message>
</context>
<context>
    <name>hours</name>
    <message>
        <source>Monday</source>
        <extracomment>Exceptions shown in the editor start this long before the day asked for. How far ahead hours given back are offered to the waiting list.</extracomment>
        <translation>Понедельник</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>Вторник</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>Среда</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>Четверг</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>Пятница</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>Суббота</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>Воскресенье</translation>
    </message>
    <message>
        <source>Vacation</source>
        <translation>Отпуск</translation>
    </message>
    <message>
        <source>Sick leave</source>
        <translation>Больничный</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Учёба</translation>
    </message>
    <message>
        <source>Blocked hours</source>
        <translation>Закрытые часы</translation>
    </message>
    <message>
        <source>Extra work</source>
        <translation>Дополнительная работа</translation>
    </message>
    <message>
        <source>The working hours were already removed</source>
        <translation>Эти часы работы уже удалены</translation>
    </message>
    <message>
        <source>The end must be after the start</source>
        <translation>Окончание должно быть позже начала</translation>
    </message>
    <message>
        <source>Give the reason (it is shown to the registrars)</source>
        <translation>Укажите причину (её увидят регистраторы)</translation>
    </message>
    <message>
        <source>The exception was already removed</source>
        <translation>Это исключение уже удалено</translation>
    </message>
    <message>
        <source>Doctor {id} does not exist</source>
        <translation>Врача {id} нет</translation>
    </message>
    <message>
        <source>Choose the day of the week</source>
        <translation>Выберите день недели</translation>
    </message>
    <message>
        <source>Use whole slots of {minutes} minutes (e.g. 08:00, 08:15)</source>
        <translation>Укажите время кратно слоту {minutes} мин (например, 08:00, 08:15)</translation>
    </message>
    <message>
        <source>The last day cannot be before the first day</source>
        <translation>Последний день не может быть раньше первого</translation>
    </message>
    <message>
        <source>These hours overlap the doctor&apos;s hours {starts}–{ends} on {weekday}</source>
        <translation>Эти часы пересекаются с часами врача {starts}–{ends} ({weekday})</translation>
    </message>
    <message>
        <source>The room is taken then by {doctor} ({starts}–{ends})</source>
        <translation>В это время кабинет занят: {doctor} ({starts}–{ends})</translation>
    </message>
    <message>
        <source>Choose a room of the doctor&apos;s branch</source>
        <translation>Выберите кабинет филиала врача</translation>
    </message>
    <message>
        <source>working hours changed</source>
        <translation>изменены часы работы</translation>
    </message>
</context>
<context>
    <name>import</name>
    <message>
        <source>Rejected rows</source>
        <translation>Отклонённые строки</translation>
    </message>
    <message>
        <source>row</source>
        <translation>строка</translation>
    </message>
    <message>
        <source>field</source>
        <translation>поле</translation>
    </message>
    <message>
        <source>reason</source>
        <translation>причина</translation>
    </message>
    <message>
        <source>{file}: {total} rows; imported {imported}, already present {present}, rejected {rejected}</source>
        <translation>{file}: строк {total}; добавлено {imported}, уже есть {present}, отклонено {rejected}</translation>
    </message>
    <message>
        <source>Dry run: nothing was written</source>
        <translation>Пробный прогон: ничего не записано</translation>
    </message>
    <message>
        <source>Columns not imported: {columns}</source>
        <translation>Не импортированы столбцы: {columns}</translation>
    </message>
    <message>
        <source>row {row}: {field}: {reason}</source>
        <translation>строка {row}: {field}: {reason}</translation>
    </message>
    <message>
        <source>Rejected rows written to {path}</source>
        <translation>Отклонённые строки записаны в {path}</translation>
    </message>
    <message>
        <source>{file}: not a readable XLSX workbook ({error})</source>
        <translation>{file}: не удаётся прочитать книгу XLSX ({error})</translation>
    </message>
    <message>
        <source>{file}: file not found</source>
        <translation>{file}: файл не найден</translation>
    </message>
    <message>
        <source>{file}: a workbook saved as .csv: rename it to .xlsx</source>
        <translation>{file}: это книга Excel с расширением .csv: переименуйте её в .xlsx</translation>
    </message>
    <message>
        <source>{file}: not a CSV or XLSX file</source>
        <translation>{file}: не файл CSV или XLSX</translation>
    </message>
    <message>
        <source>{file}: no header row with the column names</source>
        <translation>{file}: нет строки заголовка с названиями столбцов</translation>
    </message>
    <message>
        <source>{file}: required columns missing: {columns}</source>
        <translation>{file}: нет обязательных столбцов: {columns}</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Пол</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>Passport</source>
        <translation>Паспорт</translation>
    </message>
    <message>
        <source>OMS policy</source>
        <translation>Полис ОМС</translation>
    </message>
    <message>
        <source>Policy kind</source>
        <translation>Вид полиса</translation>
    </message>
    <message>
        <source>Other document</source>
        <translation>Другой документ</translation>
    </message>
    <message>
        <source>Other document kind</source>
        <translation>Вид другого документа</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Примечание</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>Строка</translation>
    </message>
    <message>
        <source>the same name and birth date as row {row} of this file</source>
        <translation>те же ФИО и дата рождения, что в строке {row} этого файла</translation>
    </message>
    <message>
        <source>the same document as row {row} of this file</source>
        <translation>тот же документ, что в строке {row} этого файла</translation>
    </message>
</context>
<context>
    <name>journal</name>
    <message>
        <source>creation</source>
        <translation>создание</translation>
    </message>
    <message>
        <source>change</source>
        <translation>изменение</translation>
    </message>
    <message>
        <source>deletion</source>
        <translation>удаление</translation>
    </message>
    <message>
        <source>status change</source>
        <translation>смена статуса</translation>
    </message>
    <message>
        <source>cancellation</source>
        <translation>отмена</translation>
    </message>
    <message>
        <source>call to the patient</source>
        <translation>звонок пациенту</translation>
    </message>
    <message>
        <source>sending a notice</source>
        <translation>отправка уведомления</translation>
    </message>
    <message>
        <source>notice queued again</source>
        <translation>уведомление снова поставлено в очередь</translation>
    </message>
    <message>
        <source>back to the standard text</source>
        <translation>возврат к стандартному тексту</translation>
    </message>
    <message>
        <source>rescheduling</source>
        <translation>перенос</translation>
    </message>
    <message>
        <source>check-in</source>
        <translation>отметка о приходе</translation>
    </message>
    <message>
        <source>moved to the holding tray</source>
        <translation>в лист переноса</translation>
    </message>
    <message>
        <source>back from the holding tray</source>
        <translation>из листа переноса</translation>
    </message>
    <message>
        <source>booking</source>
        <translation>запись</translation>
    </message>
    <message>
        <source>time offered</source>
        <translation>предложено время</translation>
    </message>
    <message>
        <source>offer accepted</source>
        <translation>предложение принято</translation>
    </message>
    <message>
        <source>offer declined</source>
        <translation>предложение отклонено</translation>
    </message>
    <message>
        <source>offer unanswered, passed on</source>
        <translation>нет ответа на предложение, передано следующему</translation>
    </message>
    <message>
        <source>offered time passed</source>
        <translation>предложенное время прошло</translation>
    </message>
    <message>
        <source>offered time taken meanwhile</source>
        <translation>предложенное время уже занято</translation>
    </message>
    <message>
        <source>offer withdrawn: the time was overbooked</source>
        <translation>предложение отозвано: время занято сверх расписания</translation>
    </message>
    <message>
        <source>approval</source>
        <translation>одобрение</translation>
    </message>
    <message>
        <source>rejection</source>
        <translation>отказ</translation>
    </message>
    <message>
        <source>extension</source>
        <translation>продление</translation>
    </message>
    <message>
        <source>consent given</source>
        <translation>согласие дано</translation>
    </message>
    <message>
        <source>consent revoked</source>
        <translation>согласие отозвано</translation>
    </message>
    <message>
        <source>identity documents viewed</source>
        <translation>просмотр документов</translation>
    </message>
    <message>
        <source>medical document opened</source>
        <translation>открытие медицинского документа</translation>
    </message>
    <message>
        <source>withdrawal</source>
        <translation>отзыв</translation>
    </message>
    <message>
        <source>import</source>
        <translation>импорт</translation>
    </message>
    <message>
        <source>export</source>
        <translation>выгрузка</translation>
    </message>
    <message>
        <source>printing</source>
        <translation>печать</translation>
    </message>
    <message>
        <source>log in</source>
        <translation>вход</translation>
    </message>
    <message>
        <source>failed login</source>
        <translation>неудачный вход</translation>
    </message>
    <message>
        <source>log out</source>
        <translation>выход</translation>
    </message>
    <message>
        <source>password change</source>
        <translation>смена пароля</translation>
    </message>
    <message>
        <source>role change</source>
        <translation>смена роли</translation>
    </message>
    <message>
        <source>account deactivated</source>
        <translation>учётная запись отключена</translation>
    </message>
    <message>
        <source>account reactivated</source>
        <translation>учётная запись включена снова</translation>
    </message>
    <message>
        <source>lockout lifted</source>
        <translation>блокировка снята</translation>
    </message>
    <message>
        <source>command-line token issued</source>
        <translation>выдан токен командной строки</translation>
    </message>
    <message>
        <source>command-line token revoked</source>
        <translation>отозван токен командной строки</translation>
    </message>
    <message>
        <source>demo clinic loaded</source>
        <translation>загрузка демо-клиники</translation>
    </message>
    <message>
        <source>refund</source>
        <translation>возврат</translation>
    </message>
    <message>
        <source>answer to feedback</source>
        <translation>ответ на отзыв</translation>
    </message>
    <message>
        <source>bonus points corrected</source>
        <translation>корректировка бонусов</translation>
    </message>
    <message>
        <source>bonus points expired</source>
        <translation>бонусы сгорели</translation>
    </message>
    <message>
        <source>user</source>
        <translation>пользователь</translation>
    </message>
    <message>
        <source>patient card</source>
        <translation>карта пациента</translation>
    </message>
    <message>
        <source>appointment</source>
        <translation>запись на приём</translation>
    </message>
    <message>
        <source>referral</source>
        <translation>направление</translation>
    </message>
    <message>
        <source>issuing organisation</source>
        <translation>направившая организация</translation>
    </message>
    <message>
        <source>doctor</source>
        <translation>врач</translation>
    </message>
    <message>
        <source>working hours</source>
        <translation>часы работы</translation>
    </message>
    <message>
        <source>schedule exception</source>
        <translation>исключение в расписании</translation>
    </message>
    <message>
        <source>waiting list</source>
        <translation>лист ожидания</translation>
    </message>
    <message>
        <source>call list</source>
        <translation>список звонков</translation>
    </message>
    <message>
        <source>notice to a patient</source>
        <translation>уведомление пациенту</translation>
    </message>
    <message>
        <source>notification settings</source>
        <translation>настройки уведомлений</translation>
    </message>
    <message>
        <source>text of a notice</source>
        <translation>текст уведомления</translation>
    </message>
    <message>
        <source>priority request</source>
        <translation>приоритетная запись</translation>
    </message>
    <message>
        <source>report</source>
        <translation>отчёт</translation>
    </message>
    <message>
        <source>clinic settings</source>
        <translation>настройки клиники</translation>
    </message>
    <message>
        <source>payment</source>
        <translation>оплата</translation>
    </message>
    <message>
        <source>rating</source>
        <translation>оценка</translation>
    </message>
    <message>
        <source>medical document</source>
        <translation>медицинский документ</translation>
    </message>
    <message>
        <source>service</source>
        <translation>услуга</translation>
    </message>
    <message>
        <source>clinic details</source>
        <translation>реквизиты клиники</translation>
    </message>
    <message>
        <source>backup schedule</source>
        <translation>расписание резервных копий</translation>
    </message>
    <message>
        <source>notification channels</source>
        <translation>каналы уведомлений</translation>
    </message>
    <message>
        <source>branch</source>
        <translation>филиал</translation>
    </message>
    <message>
        <source>room</source>
        <translation>кабинет</translation>
    </message>
    <message>
        <source>specialty</source>
        <translation>специальность</translation>
    </message>
    <message>
        <source>price</source>
        <translation>цена</translation>
    </message>
    <message>
        <source>done</source>
        <translation>выполнено</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>отказано</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>ошибка</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Попытки</translation>
    </message>
    <message>
        <source>Reminders</source>
        <translation>Напоминания</translation>
    </message>
    <message>
        <source>No SMS from</source>
        <translation>Без SMS с</translation>
    </message>
    <message>
        <source>No SMS until</source>
        <translation>Без SMS до</translation>
    </message>
    <message>
        <source>Tries before «not delivered»</source>
        <translation>Попыток до «не доставлено»</translation>
    </message>
    <message>
        <source>SMTP server</source>
        <translation>Сервер SMTP</translation>
    </message>
    <message>
        <source>SMTP port</source>
        <translation>Порт SMTP</translation>
    </message>
    <message>
        <source>SMTP security</source>
        <translation>Защита SMTP</translation>
    </message>
    <message>
        <source>SMTP login</source>
        <translation>Логин SMTP</translation>
    </message>
    <message>
        <source>SMTP password</source>
        <translation>Пароль SMTP</translation>
    </message>
    <message>
        <source>E-mail from</source>
        <translation>Отправитель писем</translation>
    </message>
    <message>
        <source>SMS provider</source>
        <translation>Оператор SMS</translation>
    </message>
    <message>
        <source>SMS gateway address</source>
        <translation>Адрес шлюза SMS</translation>
    </message>
    <message>
        <source>SMS gateway token</source>
        <translation>Токен шлюза SMS</translation>
    </message>
    <message>
        <source>SMS sender name</source>
        <translation>Имя отправителя SMS</translation>
    </message>
    <message>
        <source>E-mails per minute</source>
        <translation>Писем в минуту</translation>
    </message>
    <message>
        <source>SMS per minute</source>
        <translation>SMS в минуту</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Тема</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Текст</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Начало</translation>
    </message>
    <message>
        <source>End</source>
        <translation>Окончание</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Кабинет</translation>
    </message>
    <message>
        <source>Referral</source>
        <translation>Направление</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Услуга</translation>
    </message>
    <message>
        <source>In the holding tray</source>
        <translation>В листе переноса</translation>
    </message>
    <message>
        <source>Over the schedule</source>
        <translation>Сверх расписания</translation>
    </message>
    <message>
        <source>Reason for overbooking</source>
        <translation>Причина записи сверх расписания</translation>
    </message>
    <message>
        <source>Moved from</source>
        <translation>Перенесена из</translation>
    </message>
    <message>
        <source>Moved to</source>
        <translation>Перенесена в</translation>
    </message>
    <message>
        <source>Cancelled by</source>
        <translation>Кем отменена</translation>
    </message>
    <message>
        <source>Reason for cancelling</source>
        <translation>Причина отмены</translation>
    </message>
    <message>
        <source>Video link</source>
        <translation>Ссылка на видеосвязь</translation>
    </message>
    <message>
        <source>Weekday</source>
        <translation>День недели</translation>
    </message>
    <message>
        <source>From</source>
        <translation>С</translation>
    </message>
    <message>
        <source>To</source>
        <translation>По</translation>
    </message>
    <message>
        <source>Valid from</source>
        <translation>Действует с</translation>
    </message>
    <message>
        <source>Valid to</source>
        <translation>Действует до</translation>
    </message>
    <message>
        <source>Works on holidays</source>
        <translation>Работает в праздники</translation>
    </message>
    <message>
        <source>Doctor&apos;s specialty</source>
        <translation>Специальность врача</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>Кем выдан</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Diagnosis (ICD-10)</source>
        <translation>Диагноз (МКБ-10)</translation>
    </message>
    <message>
        <source>Issued on</source>
        <translation>Дата выдачи</translation>
    </message>
    <message>
        <source>Valid, days</source>
        <translation>Срок действия, дней</translation>
    </message>
    <message>
        <source>Referring doctor</source>
        <translation>Направивший врач</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>ФИО</translation>
    </message>
    <message>
        <source>OGRN</source>
        <translation>ОГРН</translation>
    </message>
    <message>
        <source>Wished from</source>
        <translation>Желаемые даты с</translation>
    </message>
    <message>
        <source>Wished to</source>
        <translation>Желаемые даты по</translation>
    </message>
    <message>
        <source>Contact by</source>
        <translation>Способ связи</translation>
    </message>
    <message>
        <source>Doctor offered</source>
        <translation>Предложенный врач</translation>
    </message>
    <message>
        <source>Time offered</source>
        <translation>Предложено время</translation>
    </message>
    <message>
        <source>Appointment</source>
        <translation>Запись</translation>
    </message>
    <message>
        <source>Payment method</source>
        <translation>Способ оплаты</translation>
    </message>
    <message>
        <source>Refund of payment</source>
        <translation>Возврат по платежу</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>Оценка</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Ответ</translation>
    </message>
    <message>
        <source>Bonus points</source>
        <translation>Бонусы</translation>
    </message>
    <message>
        <source>Points accrued, %</source>
        <translation>Начисление бонусов, %</translation>
    </message>
    <message>
        <source>Largest share in points, %</source>
        <translation>Наибольшая доля бонусами, %</translation>
    </message>
    <message>
        <source>Points expire after, days</source>
        <translation>Срок действия бонусов, дней</translation>
    </message>
    <message>
        <source>Reason for the decision</source>
        <translation>Причина решения</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Фамилия</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <source>Patronymic</source>
        <translation>Отчество</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Дата рождения</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Пол</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Эл. почта</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>SNILS</source>
        <translation>СНИЛС</translation>
    </message>
    <message>
        <source>Passport</source>
        <translation>Паспорт: серия и номер</translation>
    </message>
    <message>
        <source>Other document</source>
        <translation>Другой документ</translation>
    </message>
    <message>
        <source>Policy kind</source>
        <translation>Вид полиса</translation>
    </message>
    <message>
        <source>Policy series</source>
        <translation>Серия полиса</translation>
    </message>
    <message>
        <source>Policy number</source>
        <translation>Номер полиса</translation>
    </message>
    <message>
        <source>Policy valid until</source>
        <translation>Полис действует до</translation>
    </message>
    <message>
        <source>Insurer</source>
        <translation>СМО</translation>
    </message>
    <message>
        <source>Consent to personal data processing</source>
        <translation>Согласие на обработку персональных данных</translation>
    </message>
    <message>
        <source>Consent to SMS</source>
        <translation>Согласие на СМС</translation>
    </message>
    <message>
        <source>Consent to e-mail</source>
        <translation>Согласие на письма</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Примечание</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Роль</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>ФИО</translation>
    </message>
    <message>
        <source>Locked until</source>
        <translation>Заблокирована до</translation>
    </message>
    <message>
        <source>Failed login attempts</source>
        <translation>Неудачных попыток входа</translation>
    </message>
    <message>
        <source>Ticket format</source>
        <translation>Формат талона</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>Отчёт</translation>
    </message>
    <message>
        <source>Period from</source>
        <translation>Период с</translation>
    </message>
    <message>
        <source>Period to</source>
        <translation>Период по</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>Филиал</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>Строк</translation>
    </message>
    <message>
        <source>Short name</source>
        <translation>Краткое название</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Лицензия</translation>
    </message>
    <message>
        <source>Timezone</source>
        <translation>Часовой пояс</translation>
    </message>
    <message>
        <source>Ticket paper</source>
        <translation>Бумага талонов</translation>
    </message>
    <message>
        <source>Video link template</source>
        <translation>Шаблон ссылки видеосвязи</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Действует</translation>
    </message>
    <message>
        <source>Daily backup on</source>
        <translation>Ежедневная копия включена</translation>
    </message>
    <message>
        <source>Backup time</source>
        <translation>Время копии</translation>
    </message>
    <message>
        <source>Backups kept</source>
        <translation>Хранить копий</translation>
    </message>
    <message>
        <source>Backup folder</source>
        <translation>Папка копий</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Код</translation>
    </message>
    <message>
        <source>Diagnostic service</source>
        <translation>Диагностическая служба</translation>
    </message>
    <message>
        <source>Alternatives</source>
        <translation>Альтернативы</translation>
    </message>
    <message>
        <source>Referral valid, days</source>
        <translation>Срок направления, дней</translation>
    </message>
    <message>
        <source>Longest extension, days</source>
        <translation>Продление до, дней</translation>
    </message>
    <message>
        <source>Qualification category</source>
        <translation>Квалификационная категория</translation>
    </message>
    <message>
        <source>Academic degree</source>
        <translation>Учёная степень</translation>
    </message>
    <message>
        <source>Licence number</source>
        <translation>Номер лицензии</translation>
    </message>
    <message>
        <source>Default room</source>
        <translation>Кабинет по умолчанию</translation>
    </message>
    <message>
        <source>Remote consultations</source>
        <translation>Дистанционные консультации</translation>
    </message>
    <message>
        <source>Slot length, minutes</source>
        <translation>Длина слота, минут</translation>
    </message>
    <message>
        <source>Program login</source>
        <translation>Вход в программу</translation>
    </message>
    <message>
        <source>Duration, slots</source>
        <translation>Длительность, слотов</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Описание</translation>
    </message>
    <message>
        <source>Under OMS</source>
        <translation>По ОМС</translation>
    </message>
    <message>
        <source>Nomenclature code</source>
        <translation>Код номенклатуры</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Цена</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Название</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Файл</translation>
    </message>
    <message>
        <source>Document date</source>
        <translation>Дата документа</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Автор</translation>
    </message>
    <message>
        <source>Reason for withdrawal</source>
        <translation>Причина отзыва</translation>
    </message>
    <message>
        <source>Largest document, MB</source>
        <translation>Наибольший документ, МБ</translation>
    </message>
    <message>
        <source>yes</source>
        <extracomment>The table whose row a field&apos;s id names (looked up by :func:`read_names`). Fields that point at another appointment.</extracomment>
        <translation>да</translation>
    </message>
    <message>
        <source>no</source>
        <translation>нет</translation>
    </message>
    <message>
        <source>the patient</source>
        <translation>пациент</translation>
    </message>
    <message>
        <source>the clinic</source>
        <translation>клиника</translation>
    </message>
    <message>
        <source>phone call</source>
        <translation>звонок</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>e-mail</source>
        <translation>эл. почта</translation>
    </message>
    <message>
        <source>male</source>
        <translation>мужской</translation>
    </message>
    <message>
        <source>female</source>
        <translation>женский</translation>
    </message>
    <message>
        <source>unified number (ENP)</source>
        <translation>единый номер (ЕНП)</translation>
    </message>
    <message>
        <source>old-style policy</source>
        <translation>полис старого образца</translation>
    </message>
    <message>
        <source>temporary certificate</source>
        <translation>временное свидетельство</translation>
    </message>
    <message>
        <source>room {number}</source>
        <translation>кабинет {number}</translation>
    </message>
    <message>
        <source>appointment № {id}</source>
        <translation>запись № {id}</translation>
    </message>
    <message>
        <source>card № {id}</source>
        <translation>карта № {id}</translation>
    </message>
</context>
<context>
    <name>keys</name>
    <message>
        <source>The database has no identity-document key yet: run `clinic-crm db upgrade` (key file: {path})</source>
        <translation>В базе данных ещё нет ключа для документов пациентов: выполните `clinic-crm db upgrade` (файл ключа: {path})</translation>
    </message>
    <message>
        <source>Identity-document key file problem: {error}. The database expects the key with fingerprint {expected}; copy that key file from a workstation that has it.</source>
        <translation>Проблема с файлом ключа для документов пациентов: {error}. База данных ожидает ключ с отпечатком {expected}; скопируйте этот файл ключа с рабочего места, где он есть.</translation>
    </message>
    <message>
        <source>The key file {path} (fingerprint {actual}) is not this database&apos;s key (fingerprint {expected}); copy the right key file from another workstation.</source>
        <translation>Файл ключа {path} (отпечаток {actual}) не подходит к этой базе данных (нужен ключ с отпечатком {expected}); скопируйте нужный файл ключа с другого рабочего места.</translation>
    </message>
    <message>
        <source>no passphrase on standard input</source>
        <translation>в стандартном вводе нет парольной фразы</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Парольная фраза</translation>
    </message>
    <message>
        <source>The passphrase again</source>
        <translation>Парольная фраза ещё раз</translation>
    </message>
    <message>
        <source>cancelled: no passphrase given</source>
        <translation>отменено: парольная фраза не введена</translation>
    </message>
    <message>
        <source>{path}: fingerprint {fp}</source>
        <translation>{path}: отпечаток {fp}</translation>
    </message>
    <message>
        <source>{path} already exists: choose another file</source>
        <translation>{path} уже существует: выберите другой файл</translation>
    </message>
    <message>
        <source>the passphrase must be at least {n} characters long</source>
        <extracomment>The shortest passphrase a sealed copy of the key accepts (``key export`` too).</extracomment>
        <translation>парольная фраза должна быть не короче {n} символов</translation>
    </message>
    <message>
        <source>Key exported to {path} (fingerprint {fp}). Keep it apart from the database backups, and the passphrase apart from both: a lost passphrase cannot be recovered.</source>
        <translation>Ключ выгружен в {path} (отпечаток {fp}). Храните его отдельно от резервных копий базы данных, а парольную фразу — отдельно от того и другого: забытую парольную фразу восстановить нельзя.</translation>
    </message>
    <message>
        <source>cannot read {path}: {error}</source>
        <translation>не удаётся прочитать {path}: {error}</translation>
    </message>
    <message>
        <source>{path} is not a key exported by this program</source>
        <translation>{path} — не ключ, выгруженный этой программой</translation>
    </message>
    <message>
        <source>the passphrase is wrong (or {path} was altered): the key was not imported</source>
        <translation>неверная парольная фраза (или файл {path} изменён): ключ не установлен</translation>
    </message>
    <message>
        <source>{path} already holds this key (fingerprint {fp}): nothing to do</source>
        <translation>в {path} уже этот ключ (отпечаток {fp}): делать нечего</translation>
    </message>
    <message>
        <source>{path} already holds another key (fingerprint {present}; the imported one is {imported}): add --replace to replace it (the old file is kept aside)</source>
        <translation>в {path} уже другой ключ (отпечаток {present}; у устанавливаемого {imported}): добавьте --replace, чтобы заменить его (прежний файл будет сохранён рядом)</translation>
    </message>
    <message>
        <source>The old key file is kept as {path}</source>
        <translation>Прежний файл ключа сохранён как {path}</translation>
    </message>
    <message>
        <source>Key imported into {path} (fingerprint {fp}); `clinic-crm db check` tells whether it is the database&apos;s key.</source>
        <translation>Ключ установлен в {path} (отпечаток {fp}); `clinic-crm db check` покажет, ключ ли это базы данных.</translation>
    </message>
</context>
<context>
    <name>medical</name>
    <message>
        <source>No documents</source>
        <translation>Документов нет</translation>
    </message>
    <message>
        <source>withdrawn: {reason}</source>
        <translation>отозван: {reason}</translation>
    </message>
    <message>
        <source>{path} already exists: choose another file</source>
        <translation>{path} уже существует: выберите другой файл</translation>
    </message>
    <message>
        <source>Largest document: from 1 to {max} MB</source>
        <extracomment>What the card&apos;s list reads: a document&apos;s description, never what it contains.</extracomment>
        <translation>Наибольший документ: от 1 до {max} МБ</translation>
    </message>
    <message>
        <source>Document date: cannot be in the future</source>
        <translation>Дата документа: не может быть в будущем</translation>
    </message>
    <message>
        <source>Appointment: not one of this patient&apos;s</source>
        <translation>Приём: не этого пациента</translation>
    </message>
    <message>
        <source>File: changed while it was being attached, try again</source>
        <translation>Файл: изменился во время прикрепления, попробуйте ещё раз</translation>
    </message>
    <message>
        <source>The document no longer exists</source>
        <translation>Документ больше не существует</translation>
    </message>
    <message>
        <source>The document&apos;s stored contents are damaged (SHA-256)</source>
        <translation>Сохранённое содержимое документа повреждено (SHA-256)</translation>
    </message>
    <message>
        <source>Reason: say why the document is withdrawn</source>
        <translation>Причина: укажите, почему документ отозван</translation>
    </message>
    <message>
        <source>The document is withdrawn already</source>
        <translation>Документ уже отозван</translation>
    </message>
    <message>
        <source>File: {problem}</source>
        <translation>Файл: {problem}</translation>
    </message>
    <message>
        <source>cannot be read ({name})</source>
        <translation>не удаётся прочитать ({name})</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>файл пустой</translation>
    </message>
    <message>
        <source>{size} is over the clinic&apos;s limit of {limit} MB</source>
        <translation>{size} — больше предела клиники {limit} МБ</translation>
    </message>
    <message>
        <source>unknown type; the card takes PDF, JPEG, PNG, DICOM and office documents</source>
        <translation>неизвестный тип; карта принимает PDF, JPEG, PNG, DICOM и офисные документы</translation>
    </message>
    <message>
        <source>{n} B</source>
        <translation>{n} Б</translation>
    </message>
    <message>
        <source>{n} KB</source>
        <translation>{n} КБ</translation>
    </message>
    <message>
        <source>{n} MB</source>
        <translation>{n} МБ</translation>
    </message>
    <message>
        <source>examination result</source>
        <translation>результат обследования</translation>
    </message>
    <message>
        <source>analysis</source>
        <translation>анализ</translation>
    </message>
    <message>
        <source>image</source>
        <translation>снимок</translation>
    </message>
    <message>
        <source>conclusion</source>
        <translation>заключение</translation>
    </message>
    <message>
        <source>discharge summary</source>
        <translation>выписка</translation>
    </message>
    <message>
        <source>other</source>
        <translation>другое</translation>
    </message>
</context>
<context>
    <name>notice_templates</name>
    <message>
        <source>Booking confirmed</source>
        <extracomment>Every purpose a template exists for.</extracomment>
        <translation>Подтверждение записи</translation>
    </message>
    <message>
        <source>Time changed</source>
        <translation>Перенос приёма</translation>
    </message>
    <message>
        <source>Appointment cancelled</source>
        <translation>Отмена приёма</translation>
    </message>
    <message>
        <source>Reminder</source>
        <translation>Напоминание</translation>
    </message>
    <message>
        <source>Monday</source>
        <translation>понедельник</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>вторник</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>среда</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>четверг</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>пятница</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>суббота</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>воскресенье</translation>
    </message>
    <message>
        <source>{patient}, you are booked: {date} at {time}, doctor {doctor}, room {room}, {address}.</source>
        <translation>{patient}, вы записаны: {date} в {time}, врач {doctor}, каб. {room}, {address}.</translation>
    </message>
    <message>
        <source>{patient}, your appointment moved from {old_date} {old_time} to {date} at {time}, doctor {doctor}, room {room}.</source>
        <translation>{patient}, ваш приём перенесён с {old_date} {old_time} на {date} в {time}, врач {doctor}, каб. {room}.</translation>
    </message>
    <message>
        <source>{patient}, your appointment on {date} at {time} with doctor {doctor} is cancelled.</source>
        <translation>{patient}, ваш приём {date} в {time} у врача {doctor} отменён.</translation>
    </message>
    <message>
        <source>{patient}, a reminder: {date} at {time}, doctor {doctor}, room {room}, {address}.</source>
        <translation>{patient}, напоминаем о приёме: {date} в {time}, врач {doctor}, каб. {room}, {address}.</translation>
    </message>
    <message>
        <source>Your appointment is booked</source>
        <translation>Вы записаны на приём</translation>
    </message>
    <message>
        <source>Your appointment has moved</source>
        <translation>Ваш приём перенесён</translation>
    </message>
    <message>
        <source>Your appointment is cancelled</source>
        <translation>Ваш приём отменён</translation>
    </message>
    <message>
        <source>A reminder of your appointment</source>
        <translation>Напоминание о приёме</translation>
    </message>
    <message>
        <source>the patient&apos;s first name and patronymic</source>
        <translation>имя и отчество пациента</translation>
    </message>
    <message>
        <source>the date with its weekday</source>
        <translation>дата и день недели</translation>
    </message>
    <message>
        <source>the time</source>
        <translation>время</translation>
    </message>
    <message>
        <source>the doctor</source>
        <translation>врач</translation>
    </message>
    <message>
        <source>the doctor&apos;s specialty</source>
        <translation>специальность врача</translation>
    </message>
    <message>
        <source>the room</source>
        <translation>кабинет</translation>
    </message>
    <message>
        <source>the branch&apos;s address</source>
        <translation>адрес филиала</translation>
    </message>
    <message>
        <source>what to bring</source>
        <translation>что взять с собой</translation>
    </message>
    <message>
        <source>the remote consultation&apos;s link (or nothing)</source>
        <translation>ссылка на онлайн-консультацию (или ничего)</translation>
    </message>
    <message>
        <source>the date it had before</source>
        <translation>прежняя дата</translation>
    </message>
    <message>
        <source>the time it had before</source>
        <translation>прежнее время</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Тема</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Текст</translation>
    </message>
    <message>
        <source>{field}: a brace is not matched (placeholders are written {{time}})</source>
        <translation>{field}: непарная фигурная скобка (подстановки пишутся так: {{time}})</translation>
    </message>
    <message>
        <source>{field}: unknown placeholder {placeholder}; known: {known}</source>
        <translation>{field}: неизвестная подстановка {placeholder}; допустимые: {known}</translation>
    </message>
    <message>
        <source>If you cannot come, please call the clinic. This message was sent automatically.</source>
        <translation>Если вы не можете прийти, пожалуйста, позвоните в клинику. Это сообщение отправлено автоматически.</translation>
    </message>
    <message>
        <source>Dear {patient},

you are booked to see doctor {doctor} ({specialty}) on {date} at {time}, room {room}, {address}.</source>
        <translation>Уважаемый(ая) {patient}!

Вы записаны на приём к врачу {doctor} ({specialty}) на {date} в {time}, каб. {room}, {address}.</translation>
    </message>
    <message>
        <source>Dear {patient},

your appointment with doctor {doctor} ({specialty}) has moved from {old_date} at {old_time} to {date} at {time}, room {room}, {address}.</source>
        <translation>Уважаемый(ая) {patient}!

Ваш приём у врача {doctor} ({specialty}) перенесён с {old_date} {old_time} на {date} в {time}, каб. {room}, {address}.</translation>
    </message>
    <message>
        <source>Dear {patient},

we remind you of your appointment with doctor {doctor} ({specialty}) on {date} at {time}, room {room}, {address}.</source>
        <translation>Уважаемый(ая) {patient}!

Напоминаем о вашем приёме у врача {doctor} ({specialty}) {date} в {time}, каб. {room}, {address}.</translation>
    </message>
    <message>
        <source>Dear {patient},

your appointment with doctor {doctor} ({specialty}) on {date} at {time} is cancelled.</source>
        <translation>Уважаемый(ая) {patient}!

Ваш приём у врача {doctor} ({specialty}) {date} в {time} отменён.</translation>
    </message>
    <message>
        <source>Appointment: doctor {doctor}</source>
        <translation>Приём: врач {doctor}</translation>
    </message>
    <message>
        <source>room {room}</source>
        <translation>каб. {room}</translation>
    </message>
    <message>
        <source>There is no notice «{purpose}» by {channel}</source>
        <translation>Уведомления «{purpose}» по каналу {channel} не бывает</translation>
    </message>
    <message>
        <source>Text: required</source>
        <translation>Текст: обязательное поле</translation>
    </message>
    <message>
        <source>Text: at most {count} characters</source>
        <translation>Текст: не более {count} символов</translation>
    </message>
    <message>
        <source>Subject: required</source>
        <translation>Тема: обязательное поле</translation>
    </message>
    <message>
        <source>Subject: one line of at most {count} characters</source>
        <translation>Тема: одна строка не длиннее {count} символов</translation>
    </message>
    <message>
        <source>Someone changed this text on another workstation while you were editing it</source>
        <translation>Пока вы редактировали этот текст, его изменили на другом рабочем месте</translation>
    </message>
    <message>
        <source>{when} — {patient}, doctor {doctor}</source>
        <translation>{when} — {patient}, врач {doctor}</translation>
    </message>
</context>
<context>
    <name>notices</name>
    <message>
        <source>Your appointment with {doctor} on {date} at {time} cannot take place at that time: the doctor is unavailable. The registry will contact you to choose another time.</source>
        <translation>Ваш приём у врача {doctor} {date} в {time} не состоится в назначенное время: врач недоступен. Регистратура свяжется с вами, чтобы выбрать другое время.</translation>
    </message>
    <message>
        <source>Your appointment with {doctor} on {date} at {time} takes place as booked.</source>
        <translation>Ваш приём у врача {doctor} {date} в {time} состоится, как назначено.</translation>
    </message>
</context>
<context>
    <name>notify</name>
    <message>
        <source>{path}: {reason}</source>
        <translation>{path}: {reason}</translation>
    </message>
    <message>
        <source>{path}: neither [smtp] nor [sms] is set</source>
        <translation>{path}: не заданы ни [smtp], ни [sms]</translation>
    </message>
    <message>
        <source>sent {sent}, to try again {retried}, not delivered {failed}, no longer needed {cancelled}</source>
        <translation>отправлено {sent}, будет повторено {retried}, не доставлено {failed}, больше не нужно {cancelled}</translation>
    </message>
    <message>
        <source>{value}: not a time (HH:MM)</source>
        <translation>{value}: это не время (ЧЧ:ММ)</translation>
    </message>
    <message>
        <source>reminders {reminders}; no SMS {start}–{end}; {tries} tries</source>
        <translation>напоминания {reminders}; без SMS {start}–{end}; попыток: {tries}</translation>
    </message>
    <message>
        <source>e-mail: {host}:{port} ({security}), from {sender}</source>
        <translation>почта: {host}:{port} ({security}), от {sender}</translation>
    </message>
    <message>
        <source>e-mail: off</source>
        <translation>почта: выключена</translation>
    </message>
    <message>
        <source>SMS: {provider}</source>
        <translation>SMS: {provider}</translation>
    </message>
    <message>
        <source>SMS: off</source>
        <translation>SMS: выключены</translation>
    </message>
    <message>
        <source>${name} is empty</source>
        <translation>переменная ${name} пуста</translation>
    </message>
    <message>
        <source>Reminders: one of 24h, 2h, both</source>
        <extracomment>The reminder choices a clinic makes: hours before the visit.</extracomment>
        <translation>Напоминания: одно из 24h, 2h, both</translation>
    </message>
    <message>
        <source>Tries: from 1 to 20</source>
        <translation>Попыток: от 1 до 20</translation>
    </message>
    <message>
        <source>SMTP server</source>
        <extracomment>SMS providers: ``http_json`` is the generic gateway (its URL required). The fields the journal shows before → after (secrets only as &quot;changed&quot;).</extracomment>
        <translation>Сервер SMTP</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Порт</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Защита</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>From</source>
        <translation>От кого</translation>
    </message>
    <message>
        <source>SMS provider</source>
        <translation>Оператор SMS</translation>
    </message>
    <message>
        <source>Gateway address</source>
        <translation>Адрес шлюза</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Токен</translation>
    </message>
    <message>
        <source>Sender name</source>
        <translation>Имя отправителя</translation>
    </message>
    <message>
        <source>E-mails per minute</source>
        <translation>Писем в минуту</translation>
    </message>
    <message>
        <source>SMS per minute</source>
        <translation>SMS в минуту</translation>
    </message>
    <message>
        <source>Send to</source>
        <translation>Кому</translation>
    </message>
    <message>
        <source>{field}: a number from 1 to 65535</source>
        <extracomment>0: no limit.</extracomment>
        <translation>{field}: число от 1 до 65535</translation>
    </message>
    <message>
        <source>{field}: a whole number (empty or 0: no limit), at most {most}</source>
        <translation>{field}: целое число (пусто или 0 — без ограничения), не больше {most}</translation>
    </message>
    <message>
        <source>{field}: an e-mail address, e.g. clinic@example.org</source>
        <translation>{field}: адрес электронной почты, например clinic@example.org</translation>
    </message>
    <message>
        <source>{field}: one of {choices}</source>
        <translation>{field}: одно из {choices}</translation>
    </message>
    <message>
        <source>{field}: an address starting with https://</source>
        <translation>{field}: адрес, начинающийся с https://</translation>
    </message>
    <message>
        <source>{field}: required with a login</source>
        <translation>{field}: нужен, если указан логин</translation>
    </message>
    <message>
        <source>{field}: required</source>
        <translation>{field}: обязательно</translation>
    </message>
    <message>
        <source>{field}: for SMSC.ru, the login and password as login:password</source>
        <translation>{field}: для SMSC.ru — логин и пароль в виде логин:пароль</translation>
    </message>
    <message>
        <source>The key file is needed to open the secrets</source>
        <translation>Чтобы открыть пароль и токен, нужен файл ключа</translation>
    </message>
    <message>
        <source>password</source>
        <translation>пароль</translation>
    </message>
    <message>
        <source>token</source>
        <translation>токен</translation>
    </message>
    <message>
        <source>The stored {what} does not open with this workstation&apos;s key: type it again</source>
        <translation>Сохранённый {what} не открывается ключом этого рабочего места: введите его заново</translation>
    </message>
    <message>
        <source>{field}: required to send a test</source>
        <translation>{field}: нужно указать, чтобы отправить тестовое сообщение</translation>
    </message>
    <message>
        <source>Test message from the clinic&apos;s Registratura: the channel works.</source>
        <translation>Тестовое сообщение из «Регистратуры» клиники: канал работает.</translation>
    </message>
    <message>
        <source>Test message</source>
        <translation>Тестовое сообщение</translation>
    </message>
    <message>
        <source>Sent to {to}.</source>
        <translation>Отправлено: {to}.</translation>
    </message>
    <message>
        <source>Not sent: {reason}</source>
        <translation>Не отправлено: {reason}</translation>
    </message>
    <message>
        <source>No SMS from</source>
        <translation>Не отправлять SMS с</translation>
    </message>
    <message>
        <source>No SMS until</source>
        <translation>Не отправлять SMS до</translation>
    </message>
    <message>
        <source>{field}: a time of day as HH:MM, e.g. 21:00</source>
        <translation>{field}: время дня в виде ЧЧ:ММ, например 21:00</translation>
    </message>
</context>
<context>
    <name>outbox</name>
    <message>
        <source>The period ends before it begins</source>
        <extracomment>At most this many rows are listed (the newest first): narrow the filters for more. The «отменено» filter: cancelled by someone or by the sender, or an offer taken back.</extracomment>
        <translation>Период заканчивается раньше, чем начинается</translation>
    </message>
    <message>
        <source>No message with id {id}</source>
        <translation>Нет сообщения с номером {id}</translation>
    </message>
    <message>
        <source>Only a message not delivered can be sent again</source>
        <translation>Повторить можно только сообщение «не доставлено»</translation>
    </message>
    <message>
        <source>The message has already been sent: it cannot be cancelled</source>
        <translation>Сообщение уже отправлено: отменить его нельзя</translation>
    </message>
    <message>
        <source>Only a queued message can be cancelled</source>
        <translation>Отменить можно только сообщение в очереди</translation>
    </message>
</context>
<context>
    <name>patient_history</name>
    <message>
        <source>Consent date: cannot be in the future</source>
        <extracomment>Most rows a tab loads; a card with more shows the newest. Paid / partly paid / unpaid / refunded (``None``: nothing to pay, or a role that does not see money). Names of the ids the history&apos;s changes mention (doctors, rooms, insurers…).</extracomment>
        <translation>Дата согласия: не может быть в будущем</translation>
    </message>
    <message>
        <source>This consent is already in force</source>
        <translation>Такое согласие уже действует</translation>
    </message>
    <message>
        <source>The consent no longer exists</source>
        <translation>Согласия больше нет</translation>
    </message>
    <message>
        <source>The consent was revoked on {date}</source>
        <translation>Согласие уже отозвано {date}</translation>
    </message>
    <message>
        <source>Revocation date: cannot be in the future</source>
        <translation>Дата отзыва: не может быть в будущем</translation>
    </message>
    <message>
        <source>Revocation date: not before the consent was given ({date})</source>
        <translation>Дата отзыва: не раньше даты согласия ({date})</translation>
    </message>
</context>
<context>
    <name>patients</name>
    <message>
        <source>Sex: choose male or female</source>
        <extracomment>Field order of the editor: the first bad one in this order gets the focus. Which identity documents the form leaves untouched (opened masked).</extracomment>
        <translation>Пол: выберите мужской или женский</translation>
    </message>
    <message>
        <source>E-mail: an address like name@example.ru</source>
        <translation>E-mail: адрес вида name@example.ru</translation>
    </message>
    <message>
        <source>Other document: choose its kind</source>
        <translation>Другой документ: выберите вид документа</translation>
    </message>
    <message>
        <source>OMS policy: choose its kind</source>
        <translation>Полис ОМС: выберите вид полиса</translation>
    </message>
    <message>
        <source>The card was changed on another workstation. Compare and choose the values to keep.</source>
        <translation>Карту изменили на другом рабочем месте. Сравните значения и выберите, какие сохранить.</translation>
    </message>
    <message>
        <source>SNILS: a card with this number exists</source>
        <translation>СНИЛС: карта с таким номером уже есть</translation>
    </message>
    <message>
        <source>Passport: a card with this passport exists</source>
        <translation>Паспорт: карта с таким паспортом уже есть</translation>
    </message>
    <message>
        <source>OMS policy: a card with this policy number exists</source>
        <translation>Полис ОМС: карта с таким номером полиса уже есть</translation>
    </message>
    <message>
        <source>The card could not be saved: {error}</source>
        <translation>Не удалось сохранить карту: {error}</translation>
    </message>
    <message>
        <source>A patient with the same name and birth date already exists</source>
        <translation>Пациент с такими же ФИО и датой рождения уже есть</translation>
    </message>
    <message>
        <source>The card no longer exists</source>
        <translation>Этой карты больше нет</translation>
    </message>
</context>
<context>
    <name>payments</name>
    <message>
        <source>accrual</source>
        <extracomment>pg_advisory_xact_lock namespace: one expiry run per patient at a time (&quot;CRM&quot; + 0x30). Who the journal names for the background service&apos;s expiry runs.</extracomment>
        <translation>начисление</translation>
    </message>
    <message>
        <source>spend</source>
        <translation>списание</translation>
    </message>
    <message>
        <source>expiry</source>
        <translation>сгорание</translation>
    </message>
    <message>
        <source>correction</source>
        <translation>корректировка</translation>
    </message>
    <message>
        <source>refund</source>
        <translation>возврат</translation>
    </message>
    <message>
        <source>whole days from 1 to {top}</source>
        <translation>целое число дней от 1 до {top}</translation>
    </message>
    <message>
        <source>the patient has only {points} points</source>
        <translation>у пациента только {points} бонусов</translation>
    </message>
    <message>
        <source>a whole number, e.g. 100 or -50</source>
        <translation>целое число, например 100 или -50</translation>
    </message>
    <message>
        <source>say why the points are corrected</source>
        <translation>укажите причину корректировки бонусов</translation>
    </message>
    <message>
        <source>must not be zero</source>
        <translation>не может быть нулём</translation>
    </message>
    <message>
        <source>No such patient</source>
        <translation>Такого пациента нет</translation>
    </message>
    <message>
        <source>points expired</source>
        <translation>бонусы сгорели</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <source>Payment method</source>
        <translation>Способ оплаты</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>Appointment</source>
        <translation>Запись</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>Платёж</translation>
    </message>
    <message>
        <source>Bonus points</source>
        <translation>Бонусы</translation>
    </message>
    <message>
        <source>Points accrued, % of a paid visit</source>
        <translation>Начисление бонусов, % от оплаты визита</translation>
    </message>
    <message>
        <source>Largest share payable in points, %</source>
        <translation>Наибольшая доля оплаты бонусами, %</translation>
    </message>
    <message>
        <source>Points expire after, days</source>
        <translation>Срок действия бонусов, дней</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>Оценка</translation>
    </message>
    <message>
        <source>give the amount as text or Decimal, not float</source>
        <translation>укажите сумму текстом или Decimal, не float</translation>
    </message>
    <message>
        <source>at most two decimals (kopecks)</source>
        <translation>не больше двух знаков после запятой (копейки)</translation>
    </message>
    <message>
        <source>must be greater than zero</source>
        <translation>должна быть больше нуля</translation>
    </message>
    <message>
        <source>type roubles and at most two decimals, e.g. 1500.50</source>
        <translation>введите рубли и не больше двух знаков после запятой, например 1500,50</translation>
    </message>
    <message>
        <source>not a number</source>
        <translation>не число</translation>
    </message>
    <message>
        <source>too large</source>
        <translation>слишком большая</translation>
    </message>
    <message>
        <source>a number from 0 to 100</source>
        <translation>число от 0 до 100</translation>
    </message>
    <message>
        <source>unpaid</source>
        <translation>не оплачено</translation>
    </message>
    <message>
        <source>partly paid</source>
        <translation>оплачено частично</translation>
    </message>
    <message>
        <source>paid</source>
        <translation>оплачено</translation>
    </message>
    <message>
        <source>refunded</source>
        <translation>возвращено</translation>
    </message>
    <message>
        <source>cash</source>
        <translation>наличные</translation>
    </message>
    <message>
        <source>card</source>
        <translation>карта</translation>
    </message>
    <message>
        <source>bank transfer</source>
        <translation>безналичный перевод</translation>
    </message>
    <message>
        <source>bonus points</source>
        <translation>бонусы</translation>
    </message>
    <message>
        <source>one of {choices}</source>
        <translation>одно из: {choices}</translation>
    </message>
    <message>
        <source>the visit is cancelled: it takes no payment</source>
        <translation>визит отменён: оплата не принимается</translation>
    </message>
    <message>
        <source>No such appointment</source>
        <extracomment>The most this visit can still take in points (balance and the rules&apos; share).</extracomment>
        <translation>Такой записи нет</translation>
    </message>
    <message>
        <source>Receipt {number}</source>
        <translation>Квитанция {number}</translation>
    </message>
    <message>
        <source>more than is left to pay for the visit ({left})</source>
        <translation>больше, чем осталось оплатить за визит ({left})</translation>
    </message>
    <message>
        <source>payment {id}</source>
        <translation>платёж {id}</translation>
    </message>
    <message>
        <source>points pay whole roubles only</source>
        <translation>бонусами оплачиваются только целые рубли</translation>
    </message>
    <message>
        <source>the visit has no price to pay in points</source>
        <translation>у визита нет цены, бонусами оплатить нельзя</translation>
    </message>
    <message>
        <source>at most {share} of this visit can be paid in points</source>
        <translation>бонусами можно оплатить не больше {share} этого визита</translation>
    </message>
    <message>
        <source>say why the money is returned</source>
        <translation>укажите, почему возвращаются деньги</translation>
    </message>
    <message>
        <source>more than was paid: the payment was refunded meanwhile, look again</source>
        <translation>больше, чем было оплачено: платёж тем временем вернули, посмотрите ещё раз</translation>
    </message>
    <message>
        <source>more than was paid (at most {left} can be returned)</source>
        <translation>больше, чем было оплачено (вернуть можно не больше {left})</translation>
    </message>
    <message>
        <source>points are spent one visit at a time</source>
        <translation>баллами оплачивается один приём за раз</translation>
    </message>
    <message>
        <source>choose the visits to pay</source>
        <translation>выберите приёмы для оплаты</translation>
    </message>
    <message>
        <source>visit {id}: nothing left to pay</source>
        <translation>приём {id}: оплачивать больше нечего</translation>
    </message>
    <message>
        <source>No such payment</source>
        <translation>Такого платежа нет</translation>
    </message>
    <message>
        <source>visit on {day} at {time}, doctor {doctor}</source>
        <translation>приём {day} в {time}, врач {doctor}</translation>
    </message>
    <message>
        <source>Clinic</source>
        <translation>Клиника</translation>
    </message>
    <message>
        <source>Medical services</source>
        <translation>Медицинские услуги</translation>
    </message>
    <message>
        <source>this is a refund, not a payment</source>
        <translation>это возврат, а не платёж</translation>
    </message>
    <message>
        <source>refund {id} of payment {of}</source>
        <translation>возврат {id} по платежу {of}</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>не подключена</translation>
    </message>
    <message>
        <source>visit {id}: {status}, kept {kept}</source>
        <translation>визит {id}: {status}, получено {kept}</translation>
    </message>
    <message>
        <source>payment {id}: {amount}, {method}</source>
        <translation>платёж {id}: {amount}, {method}</translation>
    </message>
    <message>
        <source>left to pay {left}</source>
        <translation>осталось оплатить {left}</translation>
    </message>
    <message>
        <source>(refund of {of}: {reason})</source>
        <translation>(возврат по платежу {of}: {reason})</translation>
    </message>
    <message>
        <source>cannot write {path}: {reason}</source>
        <translation>не удаётся записать {path}: {reason}</translation>
    </message>
    <message>
        <source>accrual {a} %, at most {s} % in points, points live {d} days</source>
        <translation>начисление {a} %, бонусами не больше {s} %, бонусы действуют {d} дн.</translation>
    </message>
    <message>
        <source>balance: {points} points</source>
        <translation>баланс: {points} бонусов</translation>
    </message>
    <message>
        <source>bonus points expired: {points} of {patients} patients</source>
        <translation>списано просроченных бонусных баллов: {points} у пациентов: {patients}</translation>
    </message>
</context>
<context>
    <name>permissions</name>
    <message>
        <source>Your role ({role}) may not do this: {permission}</source>
        <translation>Вашей роли ({role}) это действие не разрешено: {permission}</translation>
    </message>
    <message>
        <source>finding patients</source>
        <translation>поиск пациентов</translation>
    </message>
    <message>
        <source>editing patient cards</source>
        <translation>изменение карт пациентов</translation>
    </message>
    <message>
        <source>viewing identity documents</source>
        <translation>просмотр документов, удостоверяющих личность</translation>
    </message>
    <message>
        <source>reading medical documents</source>
        <translation>чтение медицинских документов</translation>
    </message>
    <message>
        <source>adding medical documents</source>
        <translation>добавление медицинских документов</translation>
    </message>
    <message>
        <source>registering referrals</source>
        <translation>регистрация направлений</translation>
    </message>
    <message>
        <source>extending referrals</source>
        <translation>продление направлений</translation>
    </message>
    <message>
        <source>booking appointments</source>
        <translation>запись на приём</translation>
    </message>
    <message>
        <source>working in one&apos;s own schedule</source>
        <translation>работа в своём расписании</translation>
    </message>
    <message>
        <source>checking patients in</source>
        <translation>отметка о приходе пациентов</translation>
    </message>
    <message>
        <source>marking visits</source>
        <translation>отметка приёмов</translation>
    </message>
    <message>
        <source>printing</source>
        <translation>печать</translation>
    </message>
    <message>
        <source>overriding the booking rules</source>
        <translation>запись в обход правил</translation>
    </message>
    <message>
        <source>undoing a visit&apos;s status</source>
        <translation>отмена статуса приёма</translation>
    </message>
    <message>
        <source>managing working hours</source>
        <translation>управление часами работы</translation>
    </message>
    <message>
        <source>managing services and prices</source>
        <translation>управление услугами и ценами</translation>
    </message>
    <message>
        <source>reports</source>
        <translation>отчёты</translation>
    </message>
    <message>
        <source>reading the journal</source>
        <translation>чтение журнала</translation>
    </message>
    <message>
        <source>managing users</source>
        <translation>управление пользователями</translation>
    </message>
    <message>
        <source>changing the clinic&apos;s settings</source>
        <translation>изменение настроек клиники</translation>
    </message>
    <message>
        <source>editing the clinic&apos;s directories</source>
        <translation>правка справочников клиники</translation>
    </message>
    <message>
        <source>taking payments</source>
        <translation>приём оплаты</translation>
    </message>
    <message>
        <source>refunding payments</source>
        <translation>возврат платежей</translation>
    </message>
    <message>
        <source>recording patients&apos; ratings</source>
        <translation>запись оценок пациентов</translation>
    </message>
    <message>
        <source>managing bonus points and feedback</source>
        <translation>управление бонусами и отзывами</translation>
    </message>
    <message>
        <source>managing notices to patients</source>
        <translation>управление уведомлениями пациентам</translation>
    </message>
    <message>
        <source>reading and answering patients&apos; ratings</source>
        <translation>чтение оценок пациентов и ответы на них</translation>
    </message>
    <message>
        <source>this action</source>
        <translation>это действие</translation>
    </message>
</context>
<context>
    <name>priority</name>
    <message>
        <source>awaiting a manager&apos;s decision</source>
        <translation>ждёт решения менеджера</translation>
    </message>
    <message>
        <source>approved, to be booked</source>
        <translation>одобрена, ждёт записи</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>отклонена</translation>
    </message>
    <message>
        <source>booked</source>
        <translation>записан</translation>
    </message>
    <message>
        <source>Priority request {id} does not exist</source>
        <translation>Приоритетной заявки {id} не существует</translation>
    </message>
    <message>
        <source>The request is already {status}</source>
        <translation>Заявка уже в статусе «{status}»</translation>
    </message>
    <message>
        <source>Reason for urgency: required</source>
        <translation>Причина срочности: обязательное поле</translation>
    </message>
    <message>
        <source>Reason for urgency: at most {n} characters</source>
        <translation>Причина срочности: не более {n} символов</translation>
    </message>
    <message>
        <source>Patient: no longer exists</source>
        <translation>Пациент: больше не существует</translation>
    </message>
    <message>
        <source>Specialty: no longer exists</source>
        <translation>Специальность: больше не существует</translation>
    </message>
    <message>
        <source>The patient already has an open priority request for this</source>
        <translation>У пациента уже есть открытая приоритетная заявка на это</translation>
    </message>
    <message>
        <source>Reason for the rejection: required</source>
        <translation>Причина отказа: обязательное поле</translation>
    </message>
    <message>
        <source>Appointment {id} does not exist</source>
        <translation>Записи {id} не существует</translation>
    </message>
    <message>
        <source>The appointment is another patient&apos;s</source>
        <translation>Эта запись другого пациента</translation>
    </message>
    <message>
        <source>Priority request</source>
        <translation>Приоритетная запись</translation>
    </message>
</context>
<context>
    <name>receipts</name>
    <message>
        <source>{amount} rub.</source>
        <translation>{amount} руб.</translation>
    </message>
    <message>
        <source>OGRN {ogrn}</source>
        <translation>ОГРН {ogrn}</translation>
    </message>
    <message>
        <source>Licence {licence}</source>
        <translation>Лицензия {licence}</translation>
    </message>
    <message>
        <source>REFUND RECEIPT No. {number}</source>
        <translation>КВИТАНЦИЯ О ВОЗВРАТЕ № {number}</translation>
    </message>
    <message>
        <source>RECEIPT No. {number}</source>
        <translation>КВИТАНЦИЯ № {number}</translation>
    </message>
    <message>
        <source>Patient: {name}</source>
        <translation>Пациент: {name}</translation>
    </message>
    <message>
        <source>Total: {amount}</source>
        <translation>Итого: {amount}</translation>
    </message>
    <message>
        <source>In words: {words}</source>
        <translation>Сумма прописью: {words}</translation>
    </message>
    <message>
        <source>Payment method: {method}</source>
        <translation>Способ оплаты: {method}</translation>
    </message>
    <message>
        <source>Reason for the refund: {reason}</source>
        <translation>Причина возврата: {reason}</translation>
    </message>
    <message>
        <source>Received by: {name}</source>
        <translation>Принял(а): {name}</translation>
    </message>
    <message>
        <source>This is not a fiscal cash-register receipt (Federal Law 54-FZ); the fiscal register is {state}.</source>
        <translation>Это не кассовый чек (54-ФЗ); контрольно-кассовая техника {state}.</translation>
    </message>
    <message>
        <source>Receipt No. {number}</source>
        <translation>Квитанция № {number}</translation>
    </message>
</context>
<context>
    <name>referrals</name>
    <message>
        <source>Organisation name: required</source>
        <translation>Название организации: обязательное поле</translation>
    </message>
    <message>
        <source>Organisation name: at most {n} characters</source>
        <translation>Название организации: не более {n} символов</translation>
    </message>
    <message>
        <source>Address: at most {n} characters</source>
        <translation>Адрес: не более {n} символов</translation>
    </message>
    <message>
        <source>OGRN: already registered for «{name}»</source>
        <translation>ОГРН: уже зарегистрирован за «{name}»</translation>
    </message>
    <message>
        <source>The organisation cannot be removed: {n} referrals name it</source>
        <translation>Организацию нельзя удалить: на неё ссылаются направления ({n})</translation>
    </message>
    <message>
        <source>No issuing organisation with id {id}</source>
        <translation>Нет направляющей организации с id {id}</translation>
    </message>
    <message>
        <source>No issuing organisation {key}</source>
        <translation>Нет направляющей организации {key}</translation>
    </message>
    <message>
        <source>Referral {id} does not exist</source>
        <extracomment>Appointment statuses that keep using a referral (as ``USES_REFERRAL`` in the model).</extracomment>
        <translation>Направления {id} не существует</translation>
    </message>
    <message>
        <source>standard</source>
        <translation>обычное</translation>
    </message>
    <message>
        <source>from a therapist</source>
        <translation>от терапевта</translation>
    </message>
    <message>
        <source>long-term treatment</source>
        <translation>длительное лечение</translation>
    </message>
    <message>
        <source>emergency</source>
        <translation>экстренное</translation>
    </message>
    <message>
        <source>active</source>
        <translation>действует</translation>
    </message>
    <message>
        <source>used</source>
        <translation>использовано</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>закрыто</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>истекло</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>отменено</translation>
    </message>
    <message>
        <source>No referral with number {number}</source>
        <translation>Нет направления с номером {number}</translation>
    </message>
    <message>
        <source>Several organisations issued a referral with number {number}: add --organisation OGRN</source>
        <translation>Направление с номером {number} выдали несколько организаций: добавьте --organisation ОГРН</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <source>Issuing organisation</source>
        <translation>Направившая организация</translation>
    </message>
    <message>
        <source>{name} (OGRN {ogrn})</source>
        <translation>{name} (ОГРН {ogrn})</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Diagnosis</source>
        <translation>Диагноз</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <source>Issue date</source>
        <translation>Дата выдачи</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>Действует до</translation>
    </message>
    <message>
        <source>{date} ({days} days left)</source>
        <translation>{date} (осталось дней: {days})</translation>
    </message>
    <message>
        <source>{date}, expired</source>
        <translation>{date}, срок истёк</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Cancelled because</source>
        <translation>Причина отмены</translation>
    </message>
    <message>
        <source>Appointment</source>
        <translation>Запись на приём</translation>
    </message>
    <message>
        <source>Extensions:</source>
        <translation>Продления:</translation>
    </message>
    <message>
        <source>Appointments:</source>
        <translation>Записи на приём:</translation>
    </message>
    <message>
        <source>No referrals</source>
        <translation>Направлений нет</translation>
    </message>
    <message>
        <source>Only the first {limit} are listed: narrow the filter or raise --limit</source>
        <translation>Показаны только первые {limit}: уточните отбор или увеличьте --limit</translation>
    </message>
    <message>
        <source>Referral {number} is valid until {date}</source>
        <translation>Направление {number} действует до {date}</translation>
    </message>
    <message>
        <source>Referral {number} cancelled</source>
        <translation>Направление {number} отменено</translation>
    </message>
    <message>
        <source>Days of validity</source>
        <translation>Срок действия, дней</translation>
    </message>
    <message>
        <source>Issuing doctor</source>
        <translation>Направивший врач</translation>
    </message>
    <message>
        <source>{field}: required</source>
        <translation>{field}: обязательное поле</translation>
    </message>
    <message>
        <source>{field}: digits, or letters followed by digits (e.g. 0123456 or НП-001234)</source>
        <translation>{field}: цифры или буквы и за ними цифры (например, 0123456 или НП-001234)</translation>
    </message>
    <message>
        <source>{field}: no longer exists</source>
        <translation>{field}: больше не существует</translation>
    </message>
    <message>
        <source>{field}: cannot be in the future</source>
        <translation>{field}: не может быть в будущем</translation>
    </message>
    <message>
        <source>{field}: an emergency referral is valid {low} to {high} days</source>
        <translation>{field}: экстренное направление действует от {low} до {high} дней</translation>
    </message>
    <message>
        <source>{field}: only an emergency referral has its days set when issued</source>
        <translation>{field}: срок при выдаче задаётся только у экстренного направления</translation>
    </message>
    <message>
        <source>{field}: at most {n} characters</source>
        <translation>{field}: не более {n} символов</translation>
    </message>
    <message>
        <source>{field}: this organisation already issued a referral with this number</source>
        <translation>{field}: эта организация уже выдала направление с таким номером</translation>
    </message>
    <message>
        <source>The referral was changed on another workstation: reload it</source>
        <extracomment>…and those of them that have not taken place yet (a referral with one is not cancelled).</extracomment>
        <translation>Направление изменили на другом рабочем месте: откройте его заново</translation>
    </message>
    <message>
        <source>The referral was extended: its kind and issue date cannot change</source>
        <translation>Направление продлевали: его вид и дату выдачи менять нельзя</translation>
    </message>
    <message>
        <source>A visit is booked on the referral: its patient, specialty and validity cannot change</source>
        <translation>По направлению есть запись на приём: пациента, специальность и срок действия менять нельзя</translation>
    </message>
    <message>
        <source>Reason: required</source>
        <translation>Причина: обязательное поле</translation>
    </message>
    <message>
        <source>The referral is already cancelled</source>
        <translation>Направление уже отменено</translation>
    </message>
    <message>
        <source>A visit on {when} is booked on the referral: cancel that appointment first</source>
        <translation>По направлению есть запись на {when}: сначала отмените эту запись</translation>
    </message>
    <message>
        <source>Reason for the extension: required</source>
        <translation>Обоснование продления: обязательное поле</translation>
    </message>
    <message>
        <source>Only a long-term treatment referral can be extended</source>
        <translation>Продлить можно только направление на длительное лечение</translation>
    </message>
    <message>
        <source>A referral that is {status} cannot be extended</source>
        <translation>Направление в статусе «{status}» продлить нельзя</translation>
    </message>
    <message>
        <source>The new last day must be after {date}</source>
        <translation>Новый последний день должен быть позже {date}</translation>
    </message>
    <message>
        <source>A referral is valid at most {n} days from issue: until {date}</source>
        <translation>Направление действует не более {n} дней с даты выдачи: до {date}</translation>
    </message>
    <message>
        <source>No free slots of the referral&apos;s specialty until {date}: extending it would not help</source>
        <translation>До {date} нет свободного времени по специальности направления: продление не поможет</translation>
    </message>
    <message>
        <source>Several organisations issued a referral with this number: choose one</source>
        <translation>Направление с этим номером выдали несколько организаций: выберите одно</translation>
    </message>
    <message>
        <source>No doctor of «{specialty}» works here; the referral is accepted by: {names}</source>
        <translation>Врача специальности «{specialty}» в клинике нет; направление принимают: {names}</translation>
    </message>
</context>
<context>
    <name>reports</name>
    <message>
        <source>Page &amp;P of &amp;N</source>
        <extracomment>Excel number formats by column kind (explicit codes, so every locale shows them alike). How often (in rows) progress is reported and cancellation checked.</extracomment>
        <translation>Страница &amp;P из &amp;N</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Итого</translation>
    </message>
    <message>
        <source>How the figures are counted</source>
        <translation>Как считаются показатели</translation>
    </message>
    <message>
        <source>filters: {filters}</source>
        <translation>отборы: {filters}</translation>
    </message>
    <message>
        <source>name a report, or use --list</source>
        <translation>укажите отчёт или --list</translation>
    </message>
    <message>
        <source>give the period with --from and --to</source>
        <translation>укажите период: --from и --to</translation>
    </message>
    <message>
        <source>give the file to write with -o FILE.xlsx</source>
        <translation>укажите файл: -o ФАЙЛ.xlsx</translation>
    </message>
    <message>
        <source>{title}: {rows} rows written to {path}</source>
        <translation>{title}: {rows} строк записано в {path}</translation>
    </message>
    <message>
        <source>No report called {name}; known: {names}</source>
        <extracomment>The reports by name, in the order the reports page lists them.</extracomment>
        <translation>Нет отчёта {name}; есть: {names}</translation>
    </message>
    <message>
        <source>Period: the end is before the start</source>
        <extracomment>Filters a report may take (the keys of :attr:`ReportDefinition.filters`). Longest period a report may cover (a register of ten years is a mistake, not a report). Statuses of a visit that took place (or is taking place). Statuses that hold a slot.</extracomment>
        <translation>Период: конец раньше начала</translation>
    </message>
    <message>
        <source>Period: at most {days} days</source>
        <translation>Период: не более {days} дней</translation>
    </message>
    <message>
        <source>This report has no filter by {filter}</source>
        <translation>В этом отчёте нет фильтра по полю «{filter}»</translation>
    </message>
    <message>
        <source>branch</source>
        <translation>филиал</translation>
    </message>
    <message>
        <source>specialty</source>
        <translation>специальность</translation>
    </message>
    <message>
        <source>doctor</source>
        <translation>врач</translation>
    </message>
    <message>
        <source>kind of appointment</source>
        <translation>вид приёма</translation>
    </message>
    <message>
        <source>status</source>
        <translation>статус</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>Отчёт</translation>
    </message>
    <message>
        <source>Period from</source>
        <translation>Период с</translation>
    </message>
    <message>
        <source>Period to</source>
        <translation>Период по</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>Филиал</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>Kind of appointment</source>
        <translation>Вид приёма</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Generated by</source>
        <translation>Сформировал</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>Рабочее место</translation>
    </message>
    <message>
        <source>Generated at</source>
        <translation>Сформирован</translation>
    </message>
    <message>
        <source>Timezone</source>
        <translation>Часовой пояс</translation>
    </message>
    <message>
        <source>Monday</source>
        <translation>Понедельник</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>Вторник</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>Среда</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>Четверг</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>Пятница</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>Суббота</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>Воскресенье</translation>
    </message>
    <message>
        <source>No-shows and late cancellations</source>
        <translation>Неявки и поздние отмены</translation>
    </message>
    <message>
        <source>No-show and late cancellation rates by doctor, specialty and weekday</source>
        <translation>Доля неявок и поздних отмен по врачам, специальностям и дням недели</translation>
    </message>
    <message>
        <source>Appointments</source>
        <translation>Записи</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Отменено</translation>
    </message>
    <message>
        <source>Cancelled late (&lt; 24 h)</source>
        <translation>Отменено поздно (&lt; 24 ч)</translation>
    </message>
    <message>
        <source>Expected (not cancelled)</source>
        <translation>Ожидалось (не отменено)</translation>
    </message>
    <message>
        <source>No-shows</source>
        <translation>Неявки</translation>
    </message>
    <message>
        <source>Came</source>
        <translation>Пришли</translation>
    </message>
    <message>
        <source>No-show rate</source>
        <translation>Доля неявок</translation>
    </message>
    <message>
        <source>Late cancellation rate</source>
        <translation>Доля поздних отмен</translation>
    </message>
    <message>
        <source>No appointments in this period</source>
        <translation>За этот период записей нет</translation>
    </message>
    <message>
        <source>By doctor</source>
        <translation>По врачам</translation>
    </message>
    <message>
        <source>By specialty</source>
        <translation>По специальностям</translation>
    </message>
    <message>
        <source>By weekday</source>
        <translation>По дням недели</translation>
    </message>
    <message>
        <source>Weekday</source>
        <translation>День недели</translation>
    </message>
    <message>
        <source>Trend</source>
        <translation>Динамика</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Дата</translation>
    </message>
    <message>
        <source>No-shows and late cancellations per day</source>
        <translation>Неявки и поздние отмены по дням</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Доля</translation>
    </message>
    <message>
        <source>Appointments starting in the period; rescheduled ones are counted once, as their replacement.</source>
        <translation>Записи с началом в периоде; перенесённые учтены один раз — как новая запись.</translation>
    </message>
    <message>
        <source>No-show rate = no-shows ÷ appointments not cancelled.</source>
        <translation>Доля неявок = неявки ÷ неотменённые записи.</translation>
    </message>
    <message>
        <source>Late cancellation: cancelled less than 24 hours before the start; rate = late cancellations ÷ all appointments.</source>
        <translation>Поздняя отмена — отмена менее чем за 24 часа до начала; доля = поздние отмены ÷ все записи.</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Параметры</translation>
    </message>
    <message>
        <source>Patients</source>
        <extracomment>Lower bounds of the age groups (years); the last group is open-ended.</extracomment>
        <translation>Пациенты</translation>
    </message>
    <message>
        <source>New cards by period, age and sex structure</source>
        <translation>Новые карты за период, структура по возрасту и полу</translation>
    </message>
    <message>
        <source>{age} and older</source>
        <translation>{age} и старше</translation>
    </message>
    <message>
        <source>No new cards in this period</source>
        <translation>За этот период новых карт нет</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>Месяц</translation>
    </message>
    <message>
        <source>New cards</source>
        <translation>Новые карты</translation>
    </message>
    <message>
        <source>Age and sex</source>
        <translation>Возраст и пол</translation>
    </message>
    <message>
        <source>Age, years</source>
        <translation>Возраст, лет</translation>
    </message>
    <message>
        <source>Men</source>
        <translation>Мужчины</translation>
    </message>
    <message>
        <source>Women</source>
        <translation>Женщины</translation>
    </message>
    <message>
        <source>Sex not stated</source>
        <translation>Пол не указан</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Все</translation>
    </message>
    <message>
        <source>New cards: created in the period.</source>
        <translation>Новые карты — заведённые в периоде.</translation>
    </message>
    <message>
        <source>Age in whole years on the last day of the period.</source>
        <translation>Возраст — полных лет на последний день периода.</translation>
    </message>
    <message>
        <source>Paid services</source>
        <translation>Платные услуги</translation>
    </message>
    <message>
        <source>Count and revenue of paid services by service and doctor</source>
        <translation>Количество и выручка платных услуг по услугам и врачам</translation>
    </message>
    <message>
        <source>No payments in this period: the report has no data</source>
        <translation>За этот период оплат нет: в отчёте нет данных</translation>
    </message>
    <message>
        <source>not stated</source>
        <translation>не указан</translation>
    </message>
    <message>
        <source>without an appointment</source>
        <translation>без записи</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Оплаты</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>Возвраты</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>Платно</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>Возвращено</translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation>Выручка</translation>
    </message>
    <message>
        <source>By service</source>
        <translation>По услугам</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Услуга</translation>
    </message>
    <message>
        <source>Payments received in the period; refunds are subtracted.</source>
        <translation>Оплаты, полученные в периоде; возвраты вычтены.</translation>
    </message>
    <message>
        <source>The doctor is the one of the paid appointment.</source>
        <translation>Врач — тот, к кому была оплаченная запись.</translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation>Направления</translation>
    </message>
    <message>
        <source>Referrals by issuing organisation and specialty: used, expired, days to the visit</source>
        <translation>Направления по направившим организациям и специальностям: использованные, просроченные, дни до визита</translation>
    </message>
    <message>
        <source>active</source>
        <translation>действует</translation>
    </message>
    <message>
        <source>used</source>
        <translation>использовано</translation>
    </message>
    <message>
        <source>closed (visit done)</source>
        <translation>закрыто (приём состоялся)</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>истекло</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>отменено</translation>
    </message>
    <message>
        <source>By organisation</source>
        <translation>По организациям</translation>
    </message>
    <message>
        <source>Issuing organisation</source>
        <translation>Направившая организация</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Получено</translation>
    </message>
    <message>
        <source>Active, not used yet</source>
        <translation>Действующие, ещё не использованы</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Использованы</translation>
    </message>
    <message>
        <source>Of them visit done</source>
        <translation>Из них приём состоялся</translation>
    </message>
    <message>
        <source>Expired unused</source>
        <translation>Истекли неиспользованными</translation>
    </message>
    <message>
        <source>With an appointment</source>
        <translation>С записью</translation>
    </message>
    <message>
        <source>Days to appointment, median</source>
        <translation>Дней до приёма, медиана</translation>
    </message>
    <message>
        <source>Days to appointment, 90th percentile</source>
        <translation>Дней до приёма, 90-й процентиль</translation>
    </message>
    <message>
        <source>Within 14 working days</source>
        <translation>В пределах 14 рабочих дней</translation>
    </message>
    <message>
        <source>Share within 14 working days</source>
        <translation>Доля в пределах 14 рабочих дней</translation>
    </message>
    <message>
        <source>No referrals issued in this period</source>
        <translation>За этот период направлений не выдано</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>Выдано</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>Действует до</translation>
    </message>
    <message>
        <source>Appointment day</source>
        <translation>День приёма</translation>
    </message>
    <message>
        <source>Days to appointment</source>
        <translation>Дней до приёма</translation>
    </message>
    <message>
        <source>Working days to appointment</source>
        <translation>Рабочих дней до приёма</translation>
    </message>
    <message>
        <source>Referrals issued in the period; statuses as of the day of the report.</source>
        <translation>Направления, выданные в периоде; статусы — на день формирования отчёта.</translation>
    </message>
    <message>
        <source>Days to appointment: from the issue date to the day of the appointment using the referral.</source>
        <translation>Дни до приёма — от даты выдачи до дня приёма по этому направлению.</translation>
    </message>
    <message>
        <source>Working days leave out weekends and public holidays; the issue day is day zero.</source>
        <translation>Рабочие дни — без выходных и праздников; день выдачи — нулевой.</translation>
    </message>
    <message>
        <source>Percentile: linear interpolation, as Excel&apos;s PERCENTILE.</source>
        <translation>Процентиль — линейная интерполяция, как ПЕРСЕНТИЛЬ в Excel.</translation>
    </message>
    <message>
        <source>Appointments register</source>
        <extracomment>Rows fetched from the server-side cursor at a time.</extracomment>
        <translation>Журнал записей</translation>
    </message>
    <message>
        <source>Every appointment of the period with its doctor, patient and status</source>
        <translation>Все записи периода с врачом, пациентом и статусом</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Начало</translation>
    </message>
    <message>
        <source>End</source>
        <translation>Окончание</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Кабинет</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Дата рождения</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Вид приёма</translation>
    </message>
    <message>
        <source>Referral</source>
        <translation>Направление</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>Минут</translation>
    </message>
    <message>
        <source>Appointment no.</source>
        <translation>№ записи</translation>
    </message>
    <message>
        <source>Booked at</source>
        <translation>Записан</translation>
    </message>
    <message>
        <source>Times are the clinic&apos;s local time.</source>
        <translation>Время — местное время клиники.</translation>
    </message>
    <message>
        <source>Cancelled and rescheduled appointments are listed with their status.</source>
        <translation>Отменённые и перенесённые записи показаны со своим статусом.</translation>
    </message>
    <message>
        <source>Waiting list and priority requests</source>
        <translation>Лист ожидания и приоритетные заявки</translation>
    </message>
    <message>
        <source>How long waiting-list entries and priority requests wait</source>
        <translation>Сколько ждут записи листа ожидания и приоритетные заявки</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>ожидает</translation>
    </message>
    <message>
        <source>offered</source>
        <translation>предложено</translation>
    </message>
    <message>
        <source>booked</source>
        <translation>записан</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>на рассмотрении</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>одобрена</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>отклонена</translation>
    </message>
    <message>
        <source>Nothing was created in this period</source>
        <translation>За этот период ничего не создано</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Создано</translation>
    </message>
    <message>
        <source>Median days until booked</source>
        <translation>Медиана дней до записи</translation>
    </message>
    <message>
        <source>Days until booked</source>
        <translation>Дней до записи</translation>
    </message>
    <message>
        <source>Waiting list</source>
        <translation>Лист ожидания</translation>
    </message>
    <message>
        <source>Waiting list entries</source>
        <translation>Записи листа ожидания</translation>
    </message>
    <message>
        <source>Days until a time was offered</source>
        <translation>Дней до предложения времени</translation>
    </message>
    <message>
        <source>Median days until a time was offered</source>
        <translation>Медиана дней до предложения времени</translation>
    </message>
    <message>
        <source>Priority requests</source>
        <translation>Приоритетные заявки</translation>
    </message>
    <message>
        <source>Priority request list</source>
        <translation>Список приоритетных заявок</translation>
    </message>
    <message>
        <source>Days until the decision</source>
        <translation>Дней до решения</translation>
    </message>
    <message>
        <source>Median days until the decision</source>
        <translation>Медиана дней до решения</translation>
    </message>
    <message>
        <source>Entries and requests created in the period; statuses as of now.</source>
        <translation>Записи и заявки, созданные в периоде; статусы — на текущий момент.</translation>
    </message>
    <message>
        <source>Waits in days from creation: until a slot was offered (or the manager decided) and until the appointment was booked.</source>
        <translation>Ожидание в днях от создания: до предложения времени (или решения менеджера) и до записи на приём.</translation>
    </message>
    <message>
        <source>An appointment booked before the entry or request was made is not a wait: its days are left empty and counted in no median.</source>
        <translation>Запись на приём, сделанная раньше записи в лист ожидания или срочной заявки, — не ожидание: её дни не заполняются и не входят в медианы.</translation>
    </message>
    <message>
        <source>Doctor workload</source>
        <translation>Загрузка врачей</translation>
    </message>
    <message>
        <source>Available, booked and attended slots per doctor per day and week</source>
        <translation>Доступные, занятые и посещённые слоты по врачам, дням и неделям</translation>
    </message>
    <message>
        <source>Available slots</source>
        <translation>Доступно слотов</translation>
    </message>
    <message>
        <source>Booked slots</source>
        <translation>Занято слотов</translation>
    </message>
    <message>
        <source>Attended slots</source>
        <translation>Отработано слотов</translation>
    </message>
    <message>
        <source>Utilisation</source>
        <translation>Загрузка, %</translation>
    </message>
    <message>
        <source>Attended of available</source>
        <translation>Отработано от доступных, %</translation>
    </message>
    <message>
        <source>No working hours or appointments in this period</source>
        <translation>За этот период нет часов работы и записей</translation>
    </message>
    <message>
        <source>By day</source>
        <translation>По дням</translation>
    </message>
    <message>
        <source>By week</source>
        <translation>По неделям</translation>
    </message>
    <message>
        <source>Week from</source>
        <translation>Неделя с</translation>
    </message>
    <message>
        <source>Week to</source>
        <translation>Неделя по</translation>
    </message>
    <message>
        <source>Slots per day</source>
        <translation>Слотов в день</translation>
    </message>
    <message>
        <source>Slots</source>
        <translation>Слоты</translation>
    </message>
    <message>
        <source>Available slots: the working hours (templates and extra work, minus absences; public holidays are days off).</source>
        <translation>Доступные слоты — часы работы (шаблоны и дополнительная работа за вычетом отсутствий; праздники — выходные).</translation>
    </message>
    <message>
        <source>Booked slots: appointments that hold their slots (no-shows included; cancelled and rescheduled ones not).</source>
        <translation>Занятые слоты — записи, занимающие слоты (неявки учтены, отменённые и перенесённые — нет).</translation>
    </message>
    <message>
        <source>Attended slots: the patient arrived (arrived, in progress or completed).</source>
        <translation>Отработанные слоты — пациент пришёл (пришёл, на приёме или приём завершён).</translation>
    </message>
    <message>
        <source>Utilisation = booked ÷ available; overbooking can exceed 100 %.</source>
        <translation>Загрузка = занятые ÷ доступные; при сверхзаписи может превышать 100 %.</translation>
    </message>
    <message>
        <source>Patients&apos; ratings</source>
        <extracomment>A rating at or below this is low (the manager&apos;s queue). The dashboard&apos;s averages cover this many days up to today.</extracomment>
        <translation>Оценки пациентов</translation>
    </message>
    <message>
        <source>Ratings per doctor and per month: count, average, low ones</source>
        <translation>Оценки по врачам и месяцам: число, средняя, низкие</translation>
    </message>
    <message>
        <source>No ratings in this period: the report has no data</source>
        <translation>Нет оценок за этот период: в отчёте нет данных</translation>
    </message>
    <message>
        <source>The clinic as a whole</source>
        <translation>Клиника в целом</translation>
    </message>
    <message>
        <source>Ratings</source>
        <translation>Оценок</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Баллов</translation>
    </message>
    <message>
        <source>Average</source>
        <translation>Средняя</translation>
    </message>
    <message>
        <source>Low (≤ 2)</source>
        <translation>Низких (≤ 2)</translation>
    </message>
    <message>
        <source>Low answered</source>
        <translation>Низких отвечено</translation>
    </message>
    <message>
        <source>Average, all</source>
        <translation>Средняя, все</translation>
    </message>
    <message>
        <source>Average rating per month</source>
        <translation>Средняя оценка по месяцам</translation>
    </message>
    <message>
        <source>By month</source>
        <translation>По месяцам</translation>
    </message>
    <message>
        <source>A rating counts in the month it was recorded, clinic&apos;s time.</source>
        <translation>Оценка считается в месяце, когда она записана (по времени клиники).</translation>
    </message>
    <message>
        <source>A doctor&apos;s ratings: of her visits and of her.</source>
        <translation>Оценки врача: его приёмов и его самого.</translation>
    </message>
    <message>
        <source>The totals&apos; average is all points divided by all ratings.</source>
        <translation>Средняя в итогах — все баллы, делённые на число всех оценок.</translation>
    </message>
</context>
<context>
    <name>roles</name>
    <message>
        <source>registrar</source>
        <translation>регистратор</translation>
    </message>
    <message>
        <source>doctor</source>
        <translation>врач</translation>
    </message>
    <message>
        <source>manager</source>
        <translation>менеджер</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>администратор</translation>
    </message>
</context>
<context>
    <name>search</name>
    <message>
        <source>Patients</source>
        <extracomment>Hits shown per group (one more is read to tell that there are more). The shortest fragment looked up in a large table&apos;s trigram index (shorter ones have no trigram to look up: the whole table would be read). The shortest entry searched at all. Fewest digits of a ticket&apos;s printed number (``ticket_number``: six or more). Documents matching a title read before the newest are chosen: a common word («анализ») must not sort every document of the clinic. A space written into the SQL, not bound: the expression must read exactly as the index&apos;s (migration 0022) for the planner to use it.</extracomment>
        <translation>Пациенты</translation>
    </message>
    <message>
        <source>Appointments</source>
        <translation>Записи</translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation>Направления</translation>
    </message>
    <message>
        <source>Medical documents</source>
        <translation>Медицинские документы</translation>
    </message>
    <message>
        <source>Doctors</source>
        <translation>Врачи</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Услуги</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Пользователи</translation>
    </message>
    <message>
        <source>Ticket No. {number}</source>
        <extracomment>The permission named when a group is refused (doctors: either of two would do).</extracomment>
        <translation>Талон № {number}</translation>
    </message>
    <message>
        <source>issued {date}</source>
        <translation>выдано {date}</translation>
    </message>
    <message>
        <source>deactivated</source>
        <translation>выведено из работы</translation>
    </message>
</context>
<context>
    <name>service</name>
    <message>
        <source>Nothing is due.</source>
        <translation>Делать пока нечего.</translation>
    </message>
    <message>
        <source>a job failed</source>
        <translation>задание не выполнено</translation>
    </message>
    <message>
        <source>The clinic&apos;s service is running ({where}); Ctrl+C stops it.</source>
        <translation>Служба клиники работает ({where}); Ctrl+C останавливает её.</translation>
    </message>
    <message>
        <source>no key file to open the channels&apos; secrets</source>
        <extracomment>Points past their expiry are written off for every patient (idempotent).</extracomment>
        <translation>нет файла ключа, чтобы открыть пароль и токен каналов</translation>
    </message>
</context>
<context>
    <name>setup</name>
    <message>
        <source>Password again: the passwords differ</source>
        <extracomment>pg_advisory_xact_lock key of the setup (&quot;CRM&quot; + 0x10).</extracomment>
        <translation>Пароль ещё раз: пароли не совпадают</translation>
    </message>
    <message>
        <source>The clinic is already set up: log in as its administrator</source>
        <translation>Клиника уже настроена: войдите как её администратор</translation>
    </message>
</context>
<context>
    <name>shift</name>
    <message>
        <source>not recorded</source>
        <translation>не указан</translation>
    </message>
    <message>
        <source>Shift report for {day}</source>
        <translation>Отчёт за смену {day}</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Оплат</translation>
    </message>
    <message>
        <source>Taken</source>
        <translation>Принято</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>Возвратов</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>Возвращено</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>За вычетом возвратов</translation>
    </message>
    <message>
        <source>No payments on this day.</source>
        <translation>В этот день оплат не было.</translation>
    </message>
    <message>
        <source>By registrar</source>
        <translation>По регистраторам</translation>
    </message>
    <message>
        <source>Registrar</source>
        <translation>Регистратор</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Способ</translation>
    </message>
    <message>
        <source>By method</source>
        <translation>По способам оплаты</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <source>Refund №</source>
        <translation>Возврат №</translation>
    </message>
    <message>
        <source>Of payment №</source>
        <translation>К оплате №</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>No refunds on this day.</source>
        <translation>В этот день возвратов не было.</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>День</translation>
    </message>
    <message>
        <source>Made by</source>
        <translation>Составил</translation>
    </message>
    <message>
        <source>Made at</source>
        <translation>Составлен</translation>
    </message>
    <message>
        <source>Bonus points are counted at one rouble a point; they are not money.</source>
        <translation>Бонусные баллы считаются по рублю за балл; это не деньги.</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Параметры</translation>
    </message>
    <message>
        <source>Made {when} by {who}</source>
        <translation>Составлен {when}, {who}</translation>
    </message>
    <message>
        <source>By registrar and method</source>
        <translation>По регистраторам и способам оплаты</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Итого</translation>
    </message>
</context>
<context>
    <name>startup</name>
    <message>
        <source>Starting the built-in PostgreSQL server…</source>
        <translation>Запуск встроенного сервера PostgreSQL…</translation>
    </message>
    <message>
        <source>Connecting to {where}…</source>
        <extracomment>The embedded server&apos;s database for a clinic&apos;s own data (``--no-demo``), beside the demo&apos;s. No user exists yet: the setup wizard comes before the login. The database holds the demo clinic (the login lists its users).</extracomment>
        <translation>Подключение к серверу ({where})…</translation>
    </message>
    <message>
        <source>Connecting to the running built-in PostgreSQL server…</source>
        <translation>Подключение к уже запущенному встроенному серверу PostgreSQL…</translation>
    </message>
    <message>
        <source>Cannot open the database: {error}</source>
        <translation>Не удаётся открыть базу данных: {error}</translation>
    </message>
    <message>
        <source>Updating the database structure…</source>
        <translation>Обновление структуры базы данных…</translation>
    </message>
    <message>
        <source>The clinic is not set up yet (it has no users), and this workstation connects as a desk role, which may not set it up. On the server, as the database&apos;s owner, run `clinic-crm clinic set …` and `clinic-crm user add LOGIN --role admin`, or start the program once with the owner&apos;s address.</source>
        <translation>Клиника ещё не настроена (в ней нет пользователей), а это рабочее место подключается под ролью рабочего места, которой настраивать клинику нельзя. На сервере от имени владельца базы выполните `clinic-crm clinic set …` и `clinic-crm user add ЛОГИН --role admin` или один раз запустите программу с адресом владельца.</translation>
    </message>
    <message>
        <source>Creating the demo clinic…</source>
        <translation>Создание демонстрационной клиники…</translation>
    </message>
    <message>
        <source>The database is at revision {rev}, newer than this program: update the program on this workstation.</source>
        <translation>База данных в версии {rev}, новее этой программы: обновите программу на этом рабочем месте.</translation>
    </message>
    <message>
        <source>The program could not start: {error}</source>
        <translation>Программа не смогла запуститься: {error}</translation>
    </message>
</context>
<context>
    <name>telemedicine</name>
    <message>
        <source>Video link: a web address such as {example}</source>
        <extracomment>16 characters of 36: about 82 bits, so a room cannot be guessed from another&apos;s.</extracomment>
        <translation>Видеосвязь: веб-адрес, например {example}</translation>
    </message>
    <message>
        <source>Video link: put {room} once where the room&apos;s name goes</source>
        <translation>Видеосвязь: поставьте {room} один раз там, где имя комнаты</translation>
    </message>
</context>
<context>
    <name>tickets</name>
    <message>
        <source>Monday</source>
        <translation>понедельник</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>вторник</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>среда</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>четверг</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>пятница</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>суббота</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>воскресенье</translation>
    </message>
    <message>
        <source>APPOINTMENT TICKET No. {number}</source>
        <translation>ТАЛОН НА ПРИЁМ № {number}</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>born {date}</source>
        <translation>дата рождения {date}</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>Remote consultation: join by the link</source>
        <translation>Онлайн-консультация: подключитесь по ссылке</translation>
    </message>
    <message>
        <source>Room {number}</source>
        <translation>Кабинет {number}</translation>
    </message>
    <message>
        <source>Room: ask at the front desk</source>
        <translation>Кабинет: уточните в регистратуре</translation>
    </message>
    <message>
        <source>Referral No. {number}</source>
        <translation>Направление № {number}</translation>
    </message>
    <message>
        <source>Please bring:</source>
        <translation>Возьмите с собой:</translation>
    </message>
    <message>
        <source>At the appointed time open the link; there is no need to come in.</source>
        <translation>В назначенное время откройте ссылку; приходить в клинику не нужно.</translation>
    </message>
    <message>
        <source>Show this code at the front desk to check in.</source>
        <translation>Покажите этот код в регистратуре, чтобы отметить приход.</translation>
    </message>
    <message>
        <source>Printed {moment}</source>
        <translation>Напечатано {moment}</translation>
    </message>
    <message>
        <source>passport</source>
        <translation>паспорт</translation>
    </message>
    <message>
        <source>OMS policy</source>
        <translation>полис ОМС</translation>
    </message>
    <message>
        <source>the referral</source>
        <translation>направление</translation>
    </message>
    <message>
        <source>results of earlier examinations</source>
        <translation>результаты прежних обследований</translation>
    </message>
    <message>
        <source>At most {count} tickets at once</source>
        <extracomment>Appointments that have no ticket to print. Printed grey in a day list: the patient is not coming (any more).</extracomment>
        <translation>Не более {count} талонов за раз</translation>
    </message>
    <message>
        <source>Appointment {id} is «{status}»: there is no ticket to print</source>
        <translation>Запись {id} в статусе «{status}»: талон не печатается</translation>
    </message>
    <message>
        <source>Choose the appointments to print tickets for</source>
        <translation>Выберите записи, для которых печатать талоны</translation>
    </message>
    <message>
        <source>Ticket No. {number}</source>
        <translation>Талон № {number}</translation>
    </message>
    <message>
        <source>Tickets ({count})</source>
        <translation>Талоны ({count})</translation>
    </message>
    <message>
        <source>No booked appointments of this doctor on {day}</source>
        <translation>У врача нет действующих записей на {day}</translation>
    </message>
    <message>
        <source>No active doctor with id {id}</source>
        <translation>Нет работающего врача с кодом {id}</translation>
    </message>
    <message>
        <source>ticket ({format}) → {destination}</source>
        <translation>талон ({format}) → {destination}</translation>
    </message>
    <message>
        <source>shift report for {day} → {destination}</source>
        <translation>отчёт за смену {day} → {destination}</translation>
    </message>
    <message>
        <source>receipt → {destination}</source>
        <translation>квитанция → {destination}</translation>
    </message>
    <message>
        <source>day list for {day} → {destination}</source>
        <translation>список приёма на {day} → {destination}</translation>
    </message>
    <message>
        <source>Ticket code {code}: not a valid ticket (check digits)</source>
        <translation>Код талона {code}: талон недействителен (не сходятся контрольные цифры)</translation>
    </message>
    <message>
        <source>No appointment for this ticket (No. {number})</source>
        <translation>Запись по этому талону не найдена (№ {number})</translation>
    </message>
    <message>
        <source>Booked for today at {time}: check the patient in?</source>
        <translation>Запись на сегодня, {time}: отметить приход пациента?</translation>
    </message>
    <message>
        <source>This ticket is for {when}, not for today</source>
        <translation>Талон на {when}, а не на сегодня</translation>
    </message>
    <message>
        <source>This ticket has already been used: checked in {when} ({who})</source>
        <translation>Талон уже использован: приход отмечен {when} ({who})</translation>
    </message>
    <message>
        <source>This ticket has already been used ({status})</source>
        <translation>Талон уже использован ({status})</translation>
    </message>
    <message>
        <source>This ticket is void: the appointment was moved to {when}</source>
        <translation>Талон недействителен: запись перенесена на {when}</translation>
    </message>
    <message>
        <source>This ticket is void: the appointment was moved</source>
        <translation>Талон недействителен: запись перенесена</translation>
    </message>
    <message>
        <source>This ticket is void: the appointment was cancelled</source>
        <translation>Талон недействителен: запись отменена</translation>
    </message>
    <message>
        <source>The patient was marked as not having come to this appointment ({when})</source>
        <translation>Пациент отмечен как не явившийся на эту запись ({when})</translation>
    </message>
    <message>
        <source>cannot write {path}: {reason}</source>
        <translation>не удалось записать {path}: {reason}</translation>
    </message>
    <message>
        <source>80 mm receipt roll</source>
        <translation>Чековая лента 80 мм</translation>
    </message>
    <message>
        <source>A6 sheet</source>
        <translation>Лист A6</translation>
    </message>
    <message>
        <source>A5 sheet</source>
        <translation>Лист A5</translation>
    </message>
    <message>
        <source>Only a manager or an administrator chooses the ticket format</source>
        <translation>Формат талона выбирает менеджер или администратор</translation>
    </message>
</context>
<context>
    <name>users</name>
    <message>
        <source>Role: {role} is not a role (registrar, doctor, manager, admin)</source>
        <extracomment>The advisory lock every change of a role or of the active flag takes first.</extracomment>
        <translation>Роль: «{role}» — нет такой роли (registrar, doctor, manager, admin)</translation>
    </message>
    <message>
        <source>Repeat the password: it does not match</source>
        <translation>Повтор пароля: не совпадает с паролем</translation>
    </message>
    <message>
        <source>Doctor: choose the doctor this account is</source>
        <translation>Врач: выберите врача, которому принадлежит учётная запись</translation>
    </message>
    <message>
        <source>{login} is the only active administrator: make another user an administrator first</source>
        <translation>{login} — единственный действующий администратор: сначала назначьте администратором другого пользователя</translation>
    </message>
    <message>
        <source>You cannot deactivate your own account</source>
        <translation>Нельзя отключить собственную учётную запись</translation>
    </message>
</context>
<context>
    <name>validation</name>
    <message>
        <source>{field}: enter the date as DD.MM.YYYY</source>
        <translation>{field}: введите дату в виде ДД.ММ.ГГГГ</translation>
    </message>
    <message>
        <source>{field}: there is no such date</source>
        <translation>{field}: такой даты нет</translation>
    </message>
    <message>
        <source>{field}: cannot be in the future</source>
        <translation>{field}: не может быть в будущем</translation>
    </message>
    <message>
        <source>{field}: not earlier than {date}</source>
        <translation>{field}: не раньше {date}</translation>
    </message>
    <message>
        <source>Birth certificate</source>
        <translation>Свидетельство о рождении</translation>
    </message>
    <message>
        <source>Foreign passport</source>
        <translation>Паспорт иностранного гражданина</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>Документ</translation>
    </message>
    <message>
        <source>{field}: enter the number</source>
        <translation>{field}: укажите номер</translation>
    </message>
    <message>
        <source>{field}: at most {n} characters</source>
        <translation>{field}: не более {n} символов</translation>
    </message>
    <message>
        <source>OGRN: 13 digits are needed</source>
        <translation>ОГРН: нужно 13 цифр</translation>
    </message>
    <message>
        <source>OGRN: wrong check digit</source>
        <translation>ОГРН: неверная контрольная цифра</translation>
    </message>
    <message>
        <source>OGRN: no such number</source>
        <translation>ОГРН: такого номера не бывает</translation>
    </message>
    <message>
        <source>{field}: a letter and two digits, e.g. I10 or K29.7</source>
        <translation>{field}: латинская буква и две цифры, например I10 или K29.7</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Фамилия</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <source>Patronymic</source>
        <translation>Отчество</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Дата рождения</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>SNILS</source>
        <translation>СНИЛС</translation>
    </message>
    <message>
        <source>Policy number</source>
        <translation>Номер полиса</translation>
    </message>
    <message>
        <source>Policy series</source>
        <translation>Серия полиса</translation>
    </message>
    <message>
        <source>Policy end date</source>
        <translation>Дата окончания полиса</translation>
    </message>
    <message>
        <source>Passport series and number</source>
        <translation>Серия и номер паспорта</translation>
    </message>
    <message>
        <source>Passport number</source>
        <translation>Номер паспорта</translation>
    </message>
    <message>
        <source>Passport issue date</source>
        <translation>Дата выдачи паспорта</translation>
    </message>
    <message>
        <source>Subdivision code</source>
        <translation>Код подразделения</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>Кем выдан паспорт</translation>
    </message>
    <message>
        <source>Document number</source>
        <translation>Номер документа</translation>
    </message>
    <message>
        <source>OGRN</source>
        <translation>ОГРН</translation>
    </message>
    <message>
        <source>Diagnosis (ICD-10)</source>
        <translation>Диагноз (МКБ-10)</translation>
    </message>
    <message>
        <source>Issue date</source>
        <translation>Дата выдачи</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Значение</translation>
    </message>
    <message>
        <source>{field}: required</source>
        <translation>{field}: обязательное поле</translation>
    </message>
    <message>
        <source>{field}: only Russian letters, hyphen, space and apostrophe</source>
        <translation>{field}: только русские буквы, дефис, пробел и апостроф</translation>
    </message>
    <message>
        <source>{field}: must begin and end with a letter</source>
        <translation>{field}: в начале и в конце должна быть буква</translation>
    </message>
    <message>
        <source>{field}: 4 digits of the series and 6 of the number</source>
        <translation>{field}: 4 цифры серии и 6 цифр номера</translation>
    </message>
    <message>
        <source>Passport series: 4 digits</source>
        <translation>Серия паспорта: 4 цифры</translation>
    </message>
    <message>
        <source>Passport number: 6 digits</source>
        <translation>Номер паспорта: 6 цифр</translation>
    </message>
    <message>
        <source>Subdivision code: 6 digits written as NNN-NNN</source>
        <translation>Код подразделения: 6 цифр в виде 000-000</translation>
    </message>
    <message>
        <source>Passport due for replacement: the holder turned {age}</source>
        <translation>Паспорт подлежит замене: владельцу исполнилось {age} лет</translation>
    </message>
    <message>
        <source>{field}: before the holder&apos;s 14th birthday</source>
        <translation>{field}: раньше, чем владельцу исполнилось 14 лет</translation>
    </message>
    <message>
        <source>{field}: enter 10 digits after +7 or 8</source>
        <translation>{field}: нужно 10 цифр после +7 или 8</translation>
    </message>
    <message>
        <source>{field}: not a Russian mobile or landline number</source>
        <translation>{field}: это не российский мобильный или городской номер</translation>
    </message>
    <message>
        <source>Policy number: a unified number has 16 digits</source>
        <translation>Номер полиса: в едином номере 16 цифр</translation>
    </message>
    <message>
        <source>Policy number: wrong check digit</source>
        <translation>Номер полиса: неверная контрольная цифра</translation>
    </message>
    <message>
        <source>Policy number: up to 16 digits for an old-style policy</source>
        <translation>Номер полиса: у полиса старого образца не более 16 цифр</translation>
    </message>
    <message>
        <source>Policy series: up to 10 letters and digits</source>
        <translation>Серия полиса: не более 10 букв и цифр</translation>
    </message>
    <message>
        <source>Policy number: a temporary certificate has 9 digits</source>
        <translation>Номер полиса: у временного свидетельства 9 цифр</translation>
    </message>
    <message>
        <source>Policy end date: required for a temporary certificate</source>
        <translation>Дата окончания полиса: обязательна для временного свидетельства</translation>
    </message>
    <message>
        <source>Policy series: only old-style policies have a series</source>
        <translation>Серия полиса: серия есть только у полиса старого образца</translation>
    </message>
    <message>
        <source>SNILS: 11 digits are needed</source>
        <translation>СНИЛС: нужно 11 цифр</translation>
    </message>
    <message>
        <source>SNILS: wrong check number</source>
        <translation>СНИЛС: неверная контрольная сумма</translation>
    </message>
</context>
<context>
    <name>vocabulary</name>
    <message>
        <source>highest</source>
        <translation>высшая</translation>
    </message>
    <message>
        <source>first</source>
        <translation>первая</translation>
    </message>
    <message>
        <source>second</source>
        <translation>вторая</translation>
    </message>
    <message>
        <source>none</source>
        <translation>нет</translation>
    </message>
    <message>
        <source>Candidate of Medical Sciences</source>
        <translation>к. м. н.</translation>
    </message>
    <message>
        <source>Doctor of Medical Sciences</source>
        <translation>д. м. н.</translation>
    </message>
</context>
<context>
    <name>waiting_list</name>
    <message>
        <source>Waiting-list entry {id} does not exist</source>
        <translation>Записи листа ожидания {id} не существует</translation>
    </message>
    <message>
        <source>Note: at most {n} characters</source>
        <extracomment>The outbox channel of a waiting-list entry&apos;s channel (the phone goes to the call list). How long a patient has to answer an offer before it passes to the next entry; an offer of a time sooner than twice this gets half the time left before it.</extracomment>
        <translation>Примечание: не более {n} символов</translation>
    </message>
    <message>
        <source>Wished days: the end is before the beginning</source>
        <translation>Желаемые даты: конец раньше начала</translation>
    </message>
    <message>
        <source>Wished days: already past</source>
        <translation>Желаемые даты: уже прошли</translation>
    </message>
    <message>
        <source>Patient: no longer exists</source>
        <translation>Пациент: больше не существует</translation>
    </message>
    <message>
        <source>Doctor: no longer exists</source>
        <translation>Врач: больше не существует</translation>
    </message>
    <message>
        <source>Doctor: not of the chosen specialty</source>
        <translation>Врач: не той специальности, что выбрана</translation>
    </message>
    <message>
        <source>Specialty or doctor: required</source>
        <translation>Специальность или врач: обязательно</translation>
    </message>
    <message>
        <source>The time offered to you on {date} at {time} is no longer free. You stay on the waiting list.</source>
        <translation>Предложенное вам время {date} в {time} больше не свободно. Вы остаётесь в листе ожидания.</translation>
    </message>
    <message>
        <source>The offered time is no longer free</source>
        <translation>Предложенное время больше не свободно</translation>
    </message>
    <message>
        <source>The entry is no longer on the waiting list</source>
        <translation>Запись больше не в листе ожидания</translation>
    </message>
    <message>
        <source>No time is offered to this entry now</source>
        <translation>Этой записи сейчас не предложено время</translation>
    </message>
    <message>
        <source>A time has become free for you: {date} at {time}, doctor {doctor}{room}. Please call the clinic to confirm it.</source>
        <translation>Для вас освободилось время: {date} в {time}, врач {doctor}{room}. Позвоните, пожалуйста, в клинику, чтобы подтвердить запись.</translation>
    </message>
    <message>
        <source>room {number}</source>
        <translation>каб. {number}</translation>
    </message>
    <message>
        <source>A free appointment time</source>
        <translation>Освободилось время приёма</translation>
    </message>
    <message>
        <source>The offered time has already passed</source>
        <extracomment>The refusal asked for with ``paid_without_referral=False``: ask the patient first.</extracomment>
        <translation>Предложенное время уже прошло</translation>
    </message>
    <message>
        <source>From the waiting list</source>
        <translation>Из листа ожидания</translation>
    </message>
    <message>
        <source>The offered time was taken meanwhile</source>
        <translation>Предложенное время тем временем заняли</translation>
    </message>
    <message>
        <source>The offered time was taken meanwhile: {reason}</source>
        <translation>Предложенное время тем временем заняли: {reason}</translation>
    </message>
    <message>
        <source>The patient has no referral that can be used for this visit: it would be paid</source>
        <translation>нет направления, по которому можно записать на этот приём</translation>
    </message>
</context>
<context>
    <name>workbook</name>
    <message>
        <source>Active</source>
        <extracomment>Excel&apos;s day zero: a time typed into a date cell comes back on it.</extracomment>
        <translation>Действует</translation>
    </message>
    <message>
        <source>unknown column; the columns of this sheet are: {columns}</source>
        <translation>неизвестный столбец; столбцы этого листа: {columns}</translation>
    </message>
    <message>
        <source>the column is there twice</source>
        <translation>столбец повторяется</translation>
    </message>
    <message>
        <source>a value in a column without a title (column {column})</source>
        <translation>значение в столбце без заголовка (столбец {column})</translation>
    </message>
    <message>
        <source>not a sheet of the directories (they are: {sheets})</source>
        <translation>не лист справочников (листы: {sheets})</translation>
    </message>
    <message>
        <source>the sheet is there twice</source>
        <translation>лист повторяется</translation>
    </message>
    <message>
        <source>Sheet «{sheet}», row {row}, «{column}»: {message}</source>
        <extracomment>pg_advisory_xact_lock key: two imports of the directories take turns (&quot;CRM&quot; + 0x20). The field a specialty&apos;s alternatives are in (read in a second pass).</extracomment>
        <translation>Лист «{sheet}», строка {row}, «{column}»: {message}</translation>
    </message>
    <message>
        <source>Sheet «{sheet}», row {row}: {message}</source>
        <translation>Лист «{sheet}», строка {row}: {message}</translation>
    </message>
    <message>
        <source>Sheet «{sheet}», «{column}»: {message}</source>
        <translation>Лист «{sheet}», «{column}»: {message}</translation>
    </message>
    <message>
        <source>Sheet «{sheet}»: {message}</source>
        <translation>Лист «{sheet}»: {message}</translation>
    </message>
    <message>
        <source>cannot write {path}: {reason}</source>
        <translation>не удаётся записать {path}: {reason}</translation>
    </message>
    <message>
        <source>Directories: {file}</source>
        <translation>Справочники: {file}</translation>
    </message>
    <message>
        <source>the same row as row {row} of this sheet</source>
        <translation>та же строка, что строка {row} этого листа</translation>
    </message>
    <message>
        <source>the sheet lacks the columns that recognise a row: {columns}</source>
        <translation>на листе нет столбцов, по которым узнаётся строка: {columns}</translation>
    </message>
    <message>
        <source>Directories: {file}: {created} created, {changed} changed</source>
        <translation>Справочники: {file}: создано {created}, изменено {changed}</translation>
    </message>
</context>
<context>
    <name>workstation</name>
    <message>
        <source>type the address of the clinic&apos;s server</source>
        <translation>введите адрес сервера клиники</translation>
    </message>
    <message>
        <source>not an address; expected postgresql://user@host/database</source>
        <translation>это не адрес; ожидается postgresql://пользователь@сервер/база</translation>
    </message>
    <message>
        <source>the port must be a number, e.g. postgresql://user@host:5432/database</source>
        <translation>порт должен быть числом, например postgresql://пользователь@сервер:5432/база</translation>
    </message>
    <message>
        <source>not a PostgreSQL address ({scheme}); expected postgresql://user@host/database</source>
        <translation>это не адрес PostgreSQL ({scheme}); ожидается postgresql://пользователь@сервер/база</translation>
    </message>
    <message>
        <source>the database name is missing; expected postgresql://user@host/database</source>
        <translation>не указано имя базы данных; ожидается postgresql://пользователь@сервер/база</translation>
    </message>
    <message>
        <source>choose the key file</source>
        <translation>выберите файл ключа</translation>
    </message>
    <message>
        <source>{path} is a folder, not a file</source>
        <translation>{path} — это папка, а не файл</translation>
    </message>
    <message>
        <source>choose Russian or English</source>
        <translation>выберите русский или английский</translation>
    </message>
    <message>
        <source>Only an administrator changes the server address and the key file</source>
        <translation>Адрес сервера и файл ключа меняет только администратор</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Адрес сервера</translation>
    </message>
    <message>
        <source>Key file</source>
        <translation>Файл ключа</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
</context>
</TS>
